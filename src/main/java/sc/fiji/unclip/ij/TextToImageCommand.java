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
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.ij.image.GeneratedLabel;
import sc.fiji.unclip.ij.image.ResultImages;

/** Plugins › unCLIP › Text to Image...: new images from a prompt, n of them as one stack. */
@Plugin(type = Command.class, menuPath = "Plugins>unCLIP>Text to Image...", headless = true,
	attrs = @Attr(name = MacroRecording.NO_RECORD))
public class TextToImageCommand extends GenerationCommand {

	public static final String NAME = "Text to Image...";

	@Parameter(label = "Prompt", description = "What to draw, in English (at most 77 CLIP tokens)")
	private String prompt = "a red circle on a blue background";

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

	@Parameter(label = "Scheduler", choices = { MODEL_DEFAULT, "ddim", "ddpm", "dpmsolver++", "unclip" })
	private String scheduler = MODEL_DEFAULT;

	@Override
	protected ImagePlus generate(final Generator generator, final ImageJProgress progress) {
		seed = resolveSeed(seed);
		final GenerationResult made = generator.textToImage(new TextToImageRequest(prompt, n, seed, sampling(
			steps, guidance, scheduler)), progress, progress.cancellation());
		final ImagePlus result = ResultImages.stack(title(prompt), made.images(), i -> "seed " + (seed + i));
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
		options.put("prompt", prompt);
		options.put("n", n);
		options.put("seed", seed);
		options.put("steps", steps);
		options.put("guidance", guidance);
		options.put("scheduler", scheduler);
		return options;
	}

	static String title(final String prompt) {
		final String p = prompt.strip();
		return "unCLIP - " + (p.length() > 60 ? p.substring(0, 57) + "..." : p);
	}
}
