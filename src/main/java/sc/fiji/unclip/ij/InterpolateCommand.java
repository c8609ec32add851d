package sc.fiji.unclip.ij;

import ij.ImagePlus;
import ij.WindowManager;

import java.util.LinkedHashMap;
import java.util.Map;

import org.scijava.command.Command;
import org.scijava.plugin.Attr;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import sc.fiji.unclip.EmbeddingSource;
import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.Generator;
import sc.fiji.unclip.InterpolationRequest;
import sc.fiji.unclip.UnclipException;
import sc.fiji.unclip.ij.image.GeneratedLabel;
import sc.fiji.unclip.ij.image.ResultImages;

/**
 * Plugins › unCLIP › Interpolate...: a stack that moves from the current image to another open image or
 * to a prompt (DALL-E 2's interpolation of CLIP embeddings), one slice per frame, all frames with the same
 * noise so that only the content changes; each slice is labelled with its weight.
 */
@Plugin(type = Command.class, menuPath = "Plugins>unCLIP>Interpolate...", headless = true,
	attrs = @Attr(name = MacroRecording.NO_RECORD))
public class InterpolateCommand extends GenerationCommand {

	public static final String NAME = "Interpolate...";

	@Parameter(label = "Image", required = false, description = "The current image (frame 1)")
	private ImagePlus image;

	@Parameter(label = "Target image (title; empty = the prompt)", required = false,
		description = "Title of the open image the last frame becomes; leave empty to go to the prompt")
	private String target = "";

	@Parameter(label = "Target prompt (without a target image)", required = false,
		description = "What the last frame shows, when no target image is given")
	private String prompt = "";

	@Parameter(label = "Frames", min = "2", max = "16")
	private int frames = InterpolationRequest.DEFAULT_FRAMES;

	@Parameter(label = "Seed (-1 = random)",
		description = "-1 picks a random seed; the seed used is recorded. Every frame uses it", min = "-1")
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
	private String layout = LAYOUT_FREE;

	@Parameter(label = "Scheduler", choices = { MODEL_DEFAULT, "ddim", "ddpm", "dpmsolver++", "unclip" })
	private String scheduler = MODEL_DEFAULT;

	@Override
	protected ImagePlus generate(final Generator generator, final ImageJProgress progress) {
		final ImagePlus source = Planes.required(image, NAME);
		final String title = target == null ? "" : target.strip();
		final String text = prompt == null ? "" : prompt.strip();
		if (title.isEmpty() == text.isEmpty()) throw new UnclipException(NAME + " needs one target: the title " +
			"of an open image (target) or a prompt (prompt), not " + (title.isEmpty() ? "neither" : "both") + ".");
		final EmbeddingSource to;
		if (title.isEmpty()) to = EmbeddingSource.of(text);
		else {
			final ImagePlus other = WindowManager.getImage(title);
			if (other == null) throw new UnclipException("No open image is called '" + title + "'; open the " +
				"target image, or give a prompt instead.");
			to = EmbeddingSource.of(Planes.currentRgb(other));
		}
		if (frames < 2 || frames > InterpolationRequest.MAX_FRAMES) throw new UnclipException("Frames " + frames +
			" is out of range; use 2 to " + InterpolationRequest.MAX_FRAMES + ".");
		seed = resolveSeed(seed);
		final GenerationResult made = generator.interpolate(new InterpolationRequest(EmbeddingSource.of(Planes
			.currentRgb(source)), to, InterpolationRequest.evenWeights(frames), seed, keepsLayout(layout), sampling(steps,
				guidance, scheduler)), progress, progress.cancellation());
		final ImagePlus result = ResultImages.stack("unCLIP interpolation of " + source.getTitle() + " to " +
			(title.isEmpty() ? text : title), made.images(), i -> "weight " + MacroLine.text(made.provenance()
				.weight(i)));
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
		options.put("target", target == null ? "" : target);
		options.put("prompt", prompt == null ? "" : prompt);
		options.put("frames", frames);
		options.put("seed", seed);
		options.put("steps", steps);
		options.put("guidance", guidance);
		options.put("layout", layout);
		options.put("scheduler", scheduler);
		return options;
	}
}
