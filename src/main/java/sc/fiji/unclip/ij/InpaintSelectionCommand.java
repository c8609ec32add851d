package sc.fiji.unclip.ij;

import ij.ImagePlus;
import ij.ImageStack;
import ij.Undo;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.plugin.frame.RoiManager;
import ij.process.ImageProcessor;

import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import sc.fiji.unclip.Generator;
import sc.fiji.unclip.Provenance;
import sc.fiji.unclip.UnclipException;
import sc.fiji.unclip.ij.image.DisplayRange;
import sc.fiji.unclip.ij.image.GeneratedLabel;
import sc.fiji.unclip.ij.image.PlaneInpainting;
import sc.fiji.unclip.ij.image.SelectionMask;

/**
 * Plugins › unCLIP › Inpaint Selection...: regenerates the pixels inside the selection (or inside every ROI of
 * the ROI Manager) from a prompt. Pixels outside stay bit-identical; by default the result is a new image
 * with the source's calibration and info, and "in place" edits the plane with a working Undo.
 */
@Plugin(type = Command.class, menuPath = "Plugins>unCLIP>Inpaint Selection...", headless = true)
public class InpaintSelectionCommand extends GenerationCommand {

	public static final String NAME = "Inpaint Selection...";
	public static final String NEW_IMAGE = "new image", IN_PLACE = "in place";
	public static final String SELECTION = "selection", ROI_MANAGER = "roi manager",
			ROI_MANAGER_NAMES = "roi manager names";
	/** Overlay name of the outline of the generated pixels. */
	public static final String GENERATED_REGION = "unCLIP generated region";

	@Parameter(label = "Image", required = false, description = "The current image")
	private ImagePlus image;

	@Parameter(label = "Prompt", description = "What to put in the selection")
	private String prompt = "a yellow square";

	@Parameter(label = "Number of images", description = "Alternatives (one selection and plane only)",
		min = "1", max = "16")
	private int n = 1;

	@Parameter(label = "Seed", description = "-1 picks a random seed; the seed used is recorded", min = "-1")
	private long seed = -1;

	@Parameter(label = "Steps", description = "Decoder steps; 0 = the model's default", min = "0", max = "1000")
	private int steps = 0;

	@Parameter(label = "Guidance", description = "Classifier-free guidance; 0 = the model's default, 1 = none",
		min = "0", max = "100", stepSize = "0.25")
	private double guidance = 0;

	@Parameter(label = "Scheduler", choices = { MODEL_DEFAULT, "ddim", "ddpm", "dpmsolver++", "unclip" })
	private String scheduler = MODEL_DEFAULT;

	@Parameter(label = "Grow selection (pixels)", description = "Negative values shrink it", min = "-1000",
		max = "1000")
	private int grow = 0;

	@Parameter(label = "Feather (pixels)", description = "Blend width inside the selection's edge", min = "0",
		max = "1000")
	private double feather = 2;

	@Parameter(label = "Output", choices = { NEW_IMAGE, IN_PLACE })
	private String output = NEW_IMAGE;

	@Parameter(label = "Regions", choices = { SELECTION, ROI_MANAGER, ROI_MANAGER_NAMES },
		description = "The selection, or every ROI of the ROI Manager with this prompt or its name as prompt")
	private String regions = SELECTION;

	@Parameter(label = "Planes", choices = { Planes.CURRENT, Planes.ALL })
	private String planes = Planes.CURRENT;

	/** Filled by Fiji (and the project's launcher) with the open ROI Manager, if any. */
	@Parameter(required = false, persist = false)
	private RoiManager roiManager;

	@Parameter(type = ItemIO.OUTPUT, required = false)
	private ImagePlus result;

	/** One region to inpaint with its prompt. */
	private record Region(SelectionMask mask, String prompt) {}

	@Override
	protected void generate(final Generator generator, final ImageJProgress progress) {
		final ImagePlus source = Planes.required(image, NAME);
		final List<Region> targets = regions(source);
		final List<Integer> indices = Planes.of(source, planes);
		if (n > 1 && (targets.size() > 1 || indices.size() > 1)) throw new UnclipException("n=" + n +
			" alternatives need one selection on one plane; use n=1 with several ROIs or all planes.");
		if (!output.equals(NEW_IMAGE) && !output.equals(IN_PLACE)) throw new UnclipException("output=" + output +
			" is not a choice; use '" + NEW_IMAGE + "' or '" + IN_PLACE + "'.");
		final boolean inPlace = output.equals(IN_PLACE);
		if (inPlace && indices.size() > 1) throw new UnclipException("In place on all planes could not be " +
			"undone; use output=[new image] for all planes, or one plane in place.");
		seed = resolveSeed(seed);
		// every plane is finished on copies first: a failure or Esc half-way leaves the source untouched
		final List<List<ImageProcessor>> done = new ArrayList<>();
		Provenance provenance = null;
		final DisplayRange range = new DisplayRange(source.getDisplayRangeMin(), source.getDisplayRangeMax(),
			source.isInvertedLut());
		for (int k = 0; k < indices.size(); k++) {
			List<ImageProcessor> alternatives = List.of(source.getStack().getProcessor(indices.get(k)));
			for (int j = 0; j < targets.size(); j++) {
				final Region region = targets.get(j);
				final long regionSeed = seed + (long) k * targets.size() + j;
				final List<ImageProcessor> next = new ArrayList<>();
				for (final ImageProcessor plane : alternatives) {
					final PlaneInpainting.Outcome outcome = PlaneInpainting.run(generator, plane, range, region.mask(),
						new PlaneInpainting.Request(region.prompt(), n, regionSeed, feather, sampling(steps, guidance,
							scheduler)), progress, progress.cancellation());
					if (provenance == null) provenance = outcome.result().provenance();
					next.addAll(outcome.planes());
				}
				alternatives = next;
			}
			done.add(alternatives);
		}
		final String line = MacroLine.of(NAME, options());
		if (inPlace) writeInPlace(source, done.get(0).get(0), targets, provenance, line);
		else result = newImage(source, indices, done, targets, provenance, line);
	}

	private List<Region> regions(final ImagePlus source) {
		final List<Region> targets = new ArrayList<>();
		switch (regions) {
			case SELECTION -> targets.add(new Region(SelectionMask.of(source.getRoi(), source.getWidth(), source
				.getHeight(), grow), prompt));
			case ROI_MANAGER, ROI_MANAGER_NAMES -> {
				final RoiManager manager = roiManager != null ? roiManager : RoiManager.getInstance2();
				final Roi[] rois = manager == null ? new Roi[0] : manager.getRoisAsArray();
				if (rois.length == 0) throw new UnclipException("The ROI Manager is empty; add the regions to " +
					"inpaint to it (Analyze › Tools › ROI Manager, 'Add'), or use regions=selection.");
				for (final Roi roi : rois)
					targets.add(new Region(SelectionMask.of(roi, source.getWidth(), source.getHeight(), grow), regions
						.equals(ROI_MANAGER_NAMES) ? promptFromName(roi) : prompt));
			}
			default -> throw new UnclipException("regions=" + regions + " is not a choice; use '" + SELECTION +
				"', '" + ROI_MANAGER + "' or '" + ROI_MANAGER_NAMES + "'.");
		}
		return targets;
	}

	/** ROI names the manager made up ("0012-0034") are not prompts; then the dialog's prompt is used. */
	private String promptFromName(final Roi roi) {
		final String name = roi.getName();
		return name == null || name.isBlank() || name.matches("[\\d-]+") ? prompt : name;
	}

	private void writeInPlace(final ImagePlus source, final ImageProcessor inpainted,
		final List<Region> targets, final Provenance provenance, final String line)
	{
		final ImageProcessor ip = source.getProcessor();
		ip.snapshot();
		Undo.setup(Undo.FILTER, source);
		ip.insert(inpainted, 0, 0);
		markGenerated(source, targets);
		GeneratedLabel.apply(source, provenance, line, infoWithoutOurs(source));
		source.changes = true;
		source.updateAndDraw();
	}

	private ImagePlus newImage(final ImagePlus source, final List<Integer> indices,
		final List<List<ImageProcessor>> done, final List<Region> targets, final Provenance provenance,
		final String line)
	{
		final ImageStack stack = new ImageStack(source.getWidth(), source.getHeight());
		for (int k = 0; k < indices.size(); k++)
			for (final ImageProcessor plane : done.get(k))
				stack.addSlice(source.getStack().getSliceLabel(indices.get(k)), plane);
		final ImagePlus out = new ImagePlus("unCLIP inpainted " + source.getTitle(), stack);
		if (indices.size() > 1) out.setDimensions(source.getNChannels(), source.getNSlices(), source
			.getNFrames());
		if (source.isHyperStack() && indices.size() > 1) out.setOpenAsHyperStack(true);
		out.setCalibration(source.getCalibration().copy());
		if (source.getType() != ImagePlus.COLOR_RGB) // on RGB, a display range rewrites the pixels
			out.setDisplayRange(source.getDisplayRangeMin(), source.getDisplayRangeMax());
		if (source.getProperties() != null) source.getProperties().forEach((k, v) -> out.setProperty(
			(String) k, v));
		out.setProperties(source.getPropertiesAsArray());
		markGenerated(out, targets);
		GeneratedLabel.apply(out, provenance, line, infoWithoutOurs(source));
		return out;
	}

	/** Outlines of the generated pixels as a named overlay, so the user can always get the mask back. */
	private static void markGenerated(final ImagePlus target, final List<Region> targets) {
		final Overlay overlay = target.getOverlay() == null ? new Overlay() : target.getOverlay().duplicate();
		for (final Region region : targets) {
			final Roi outline = (Roi) region.mask().roi().clone();
			outline.setName(GENERATED_REGION);
			outline.setStrokeColor(Color.MAGENTA);
			overlay.add(outline);
		}
		target.setOverlay(overlay);
	}

	private static String infoWithoutOurs(final ImagePlus source) {
		final Object info = source.getProperty("Info");
		return info instanceof String s ? s : null;
	}

	private Map<String, Object> options() {
		final Map<String, Object> options = new LinkedHashMap<>();
		options.put("prompt", prompt);
		options.put("n", n);
		options.put("seed", seed);
		options.put("steps", steps);
		options.put("guidance", guidance);
		options.put("scheduler", scheduler);
		options.put("grow", grow);
		options.put("feather", feather);
		options.put("output", output);
		options.put("regions", regions);
		options.put("planes", planes);
		return options;
	}
}
