package sc.fiji.unclip.ij;

import ij.ImagePlus;

import java.util.LinkedHashMap;
import java.util.Map;

import org.scijava.command.Command;
import org.scijava.plugin.Attr;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.Generator;
import sc.fiji.unclip.TextDiffRequest;
import sc.fiji.unclip.ij.image.GeneratedLabel;
import sc.fiji.unclip.ij.image.ResultImages;

/**
 * Plugins › unCLIP › Edit by Description...: new images of the current image turned from one description
 * towards another (DALL-E 2's text diffs), e.g. from "a red circle" to "a yellow circle"; the source is
 * only read.
 */
@Plugin(type = Command.class, menuPath = "Plugins>unCLIP>Edit by Description...", headless = true,
	attrs = @Attr(name = MacroRecording.NO_RECORD))
public class EditByDescriptionCommand extends GenerationCommand {

	public static final String NAME = "Edit by Description...";

	@Parameter(label = "Image", required = false, description = "The current image")
	private ImagePlus image;

	@Parameter(label = "From (what it shows)", description = "A description of the image as it is")
	private String from = "";

	@Parameter(label = "To (what it should show)", description = "The same description, changed")
	private String to = "";

	@Parameter(label = "Amount", description = "How far to move towards the new description (0 to 0.5)",
		min = "0", max = "0.5", stepSize = "0.05")
	private double amount = TextDiffRequest.DEFAULT_AMOUNT;

	@Parameter(label = "Number of images", min = "1", max = "16")
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

	@Parameter(label = "Layout", choices = { LAYOUT_KEEP, LAYOUT_FREE }, description = "keep: start from the " +
		"image inverted with DDIM, so its shapes stay where they are; free: start from noise")
	private String layout = LAYOUT_KEEP;

	@Parameter(label = "Scheduler", choices = { MODEL_DEFAULT, "ddim", "ddpm", "dpmsolver++", "unclip" })
	private String scheduler = MODEL_DEFAULT;

	@Override
	protected ImagePlus generate(final Generator generator, final ImageJProgress progress) {
		final ImagePlus source = Planes.required(image, NAME);
		seed = resolveSeed(seed);
		final GenerationResult made = generator.textDiff(new TextDiffRequest(Planes.currentRgb(source), from, to,
			amount, n, seed, keepsLayout(layout), sampling(steps, guidance, scheduler)), progress, progress.cancellation());
		final ImagePlus result = ResultImages.stack("unCLIP " + source.getTitle() + " edited to " + to, made
			.images(), i -> "seed " + (seed + i));
		if (result.getWidth() == source.getWidth()) result.setCalibration(source.getCalibration());
		GeneratedLabel.apply(result, made.provenance(), macroLine(), null);
		return result;
	}

	@Override
	protected String name() {
		return NAME;
	}

	@Override
	protected Map<String, Object> options() {
		final Map<String, Object> options = new LinkedHashMap<>();
		options.put("from", from);
		options.put("to", to);
		options.put("amount", amount);
		options.put("n", n);
		options.put("seed", seed);
		options.put("steps", steps);
		options.put("guidance", guidance);
		options.put("layout", layout);
		options.put("scheduler", scheduler);
		return options;
	}
}
