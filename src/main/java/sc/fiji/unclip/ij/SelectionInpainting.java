package sc.fiji.unclip.ij;

import ij.ImagePlus;
import ij.ImageStack;
import ij.Undo;
import ij.gui.Overlay;
import ij.gui.Roi;
import ij.plugin.frame.RoiManager;
import ij.process.ImageProcessor;

import java.awt.Color;
import java.awt.GraphicsEnvironment;
import java.util.ArrayList;
import java.util.List;

import sc.fiji.unclip.Generator;
import sc.fiji.unclip.Provenance;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.UnclipException;
import sc.fiji.unclip.ij.image.DisplayRange;
import sc.fiji.unclip.ij.image.GeneratedLabel;
import sc.fiji.unclip.ij.image.PlaneInpainting;
import sc.fiji.unclip.ij.image.SelectionMask;

/**
 * Inpainting of an open image: every region (the selection, or the ROI Manager's ROIs) on every chosen
 * plane, each plane finished on copies before anything is written, so a failure or Esc half-way leaves the
 * source untouched. The result is a new image with the source's calibration, properties and info, or the
 * source itself changed in place with ImageJ's Undo set up.
 */
final class SelectionInpainting {

	/** Overlay name of the outline of the generated pixels. */
	static final String GENERATED_REGION = "unCLIP generated region";

	/** One region to inpaint with its prompt. */
	record Region(SelectionMask mask, String prompt) {}

	/** What every region gets: alternatives, seed (region j of plane k uses seed + k * regions + j), blend. */
	record Settings(int n, long seed, double feather, SamplingOptions sampling) {}

	private SelectionInpainting() {}

	/**
	 * @param choice {@code selection}, {@code roi manager} (every ROI, this prompt) or {@code roi manager
	 *          names} (every ROI, its name as prompt)
	 */
	static List<Region> regions(final ImagePlus source, final String choice, final String prompt,
		final int grow, final RoiManager manager)
	{
		final List<Region> targets = new ArrayList<>();
		final int w = source.getWidth(), h = source.getHeight();
		switch (choice) {
			case InpaintSelectionCommand.SELECTION -> targets.add(new Region(SelectionMask.of(source.getRoi(), w,
				h, grow), prompt));
			case InpaintSelectionCommand.ROI_MANAGER, InpaintSelectionCommand.ROI_MANAGER_NAMES -> {
				final RoiManager m = manager != null ? manager : openManager(choice);
				final Roi[] rois = m == null ? new Roi[0] : m.getRoisAsArray();
				if (rois.length == 0) throw new UnclipException("The ROI Manager is empty; add the regions to " +
					"inpaint to it (Analyze › Tools › ROI Manager, 'Add'), or use regions=selection.");
				for (final Roi roi : rois)
					targets.add(new Region(SelectionMask.of(roi, w, h, grow), choice.equals(
						InpaintSelectionCommand.ROI_MANAGER_NAMES) ? promptFromName(roi, prompt) : prompt));
			}
			default -> throw new UnclipException("regions=" + choice + " is not a choice; use '" +
				InpaintSelectionCommand.SELECTION + "', '" + InpaintSelectionCommand.ROI_MANAGER + "' or '" +
				InpaintSelectionCommand.ROI_MANAGER_NAMES + "'.");
		}
		return targets;
	}

	/**
	 * The ROI Manager the user or the macro opened (a batch-mode macro's hidden one included). Headless there
	 * is none, and none can be made (it is a window): say how to inpaint several regions instead.
	 */
	private static RoiManager openManager(final String choice) {
		if (!GraphicsEnvironment.isHeadless()) return RoiManager.getInstance2();
		final RoiManager m = RoiManager.getRawInstance(); // getInstance() would make a batch-mode one: a window
		if (m != null) return m;
		throw new UnclipException("regions=[" + choice + "] needs the ROI Manager, which headless ImageJ " +
			"cannot open; select each region and use regions=selection (a macro can loop over the regions: " +
			"makeOval/makeRectangle, then run Inpaint Selection...), or run with a display (e.g. xvfb-run).");
	}

	/** ROI names the manager made up ("0012-0034") are not prompts; then the dialog's prompt is used. */
	private static String promptFromName(final Roi roi, final String prompt) {
		final String name = roi.getName();
		return name == null || name.isBlank() || name.matches("[\\d-]+") ? prompt : name;
	}

	/** Checks the combination before any work starts. */
	static void check(final List<Region> targets, final List<Integer> planes, final Settings settings,
		final boolean inPlace)
	{
		if (settings.n() > 1 && (targets.size() > 1 || planes.size() > 1)) throw new UnclipException("n=" +
			settings.n() + " alternatives need one selection on one plane; use n=1 with several ROIs or all " +
			"planes.");
		if (inPlace && planes.size() > 1) throw new UnclipException("In place on all planes could not be " +
			"undone; use output=[new image] for all planes, or one plane in place.");
	}

	/** @return the new image, or null when the source was changed in place */
	static ImagePlus run(final Generator generator, final ImagePlus source, final List<Region> targets,
		final List<Integer> planes, final Settings settings, final boolean inPlace, final String macroLine,
		final ImageJProgress progress)
	{
		check(targets, planes, settings, inPlace);
		final List<List<ImageProcessor>> done = new ArrayList<>();
		Provenance provenance = null;
		final DisplayRange range = DisplayRange.of(source);
		for (int k = 0; k < planes.size(); k++) {
			List<ImageProcessor> alternatives = List.of(source.getStack().getProcessor(planes.get(k)));
			for (int j = 0; j < targets.size(); j++) {
				final Region region = targets.get(j);
				final long regionSeed = settings.seed() + (long) k * targets.size() + j;
				final List<ImageProcessor> next = new ArrayList<>();
				for (final ImageProcessor plane : alternatives) {
					final PlaneInpainting.Outcome outcome = PlaneInpainting.run(generator, plane, range, region.mask(),
						new PlaneInpainting.Request(region.prompt(), settings.n(), regionSeed, settings.feather(),
							settings.sampling()), progress, progress.cancellation());
					if (provenance == null) provenance = outcome.result().provenance();
					next.addAll(outcome.planes());
				}
				alternatives = next;
			}
			done.add(alternatives);
		}
		if (!inPlace) return newImage(source, planes, done, targets, provenance, macroLine);
		writeInPlace(source, done.get(0).get(0), targets, provenance, macroLine);
		return null;
	}

	private static void writeInPlace(final ImagePlus source, final ImageProcessor inpainted,
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

	private static ImagePlus newImage(final ImagePlus source, final List<Integer> indices,
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
}
