package sc.fiji.unclip.ij;

import ij.ImagePlus;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.scijava.command.Command;
import org.scijava.plugin.Attr;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import sc.fiji.unclip.Generator;
import sc.fiji.unclip.UnclipException;

/**
 * Plugins › unCLIP › Inpaint Selection...: regenerates the pixels inside the selection (or inside every ROI of
 * the ROI Manager) from a prompt. Pixels outside stay bit-identical; by default the result is a new image
 * with the source's calibration and info, and "in place" edits the plane with a working Undo.
 */
@Plugin(type = Command.class, menuPath = "Plugins>unCLIP>Inpaint Selection...", headless = true,
	attrs = @Attr(name = MacroRecording.NO_RECORD))
public class InpaintSelectionCommand extends GenerationCommand {

	public static final String NAME = "Inpaint Selection...";
	public static final String NEW_IMAGE = "new image", IN_PLACE = "in place";
	public static final String SELECTION = "selection", ROI_MANAGER = "roi manager",
			ROI_MANAGER_NAMES = "roi manager names";
	/** Overlay name of the outline of the generated pixels. */
	public static final String GENERATED_REGION = SelectionInpainting.GENERATED_REGION;

	@Parameter(label = "Image", required = false, description = "The current image")
	private ImagePlus image;

	@Parameter(label = "Prompt", description = "What to put in the selection")
	private String prompt = "a yellow square";

	@Parameter(label = "Number of images", description = "Alternatives (one selection and plane only)",
		min = "1", max = "16")
	private int n = 1;

	@Parameter(label = "Seed (-1 = random)",
		description = "-1 picks a random seed; the seed used is recorded", min = "-1")
	private long seed = -1;

	@Parameter(label = "Steps (0 = model default)",
		description = "Decoder steps; 0 = the model's default", min = "0", max = "1000")
	private int steps = 0;

	@Parameter(label = "Guidance (0 = model default)",
		description = "Classifier-free guidance; 0 = the model's default, 1 = none",
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


	@Override
	protected ImagePlus generate(final Generator generator, final ImageJProgress progress) {
		final ImagePlus source = Planes.required(image, NAME);
		if (!output.equals(NEW_IMAGE) && !output.equals(IN_PLACE)) throw new UnclipException("output=" + output +
			" is not a choice; use '" + NEW_IMAGE + "' or '" + IN_PLACE + "'.");
		final var targets = SelectionInpainting.regions(source, regions, prompt, grow, null);
		final List<Integer> indices = Planes.of(source, planes);
		final var settings = new SelectionInpainting.Settings(n, resolveSeed(seed), feather, sampling(steps,
			guidance, scheduler));
		seed = settings.seed();
		return SelectionInpainting.run(generator, source, targets, indices, settings, output.equals(IN_PLACE),
			macroLine(), progress);
	}

	@Override
	protected String name() {
		return NAME;
	}

	@Override
	protected Map<String, Object> options() {
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
