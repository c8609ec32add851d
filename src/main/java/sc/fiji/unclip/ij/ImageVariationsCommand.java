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

/**
 * Plugins › unCLIP › Image Variations...: new images with the content and style of the current image (its
 * CLIP image embedding decoded with fresh noise), of the current plane or of every plane.
 */
@Plugin(type = Command.class, menuPath = "Plugins>unCLIP>Image Variations...", headless = true,
	attrs = @Attr(name = MacroRecording.NO_RECORD))
public class ImageVariationsCommand extends GenerationCommand {

	public static final String NAME = "Image Variations...";

	@Parameter(label = "Image", required = false, description = "The current image")
	private ImagePlus image;

	@Parameter(label = "Number of images", min = "1", max = "16")
	private int n = 1;

	@Parameter(label = "Seed (-1 = random)",
		description = "-1 picks a random seed; the seed used is recorded", min = "-1")
	private long seed = -1;

	@Parameter(label = "Strength", description = "1 = a fresh variation; lower stays closer to the image",
		min = "0.05", max = "1", stepSize = "0.05")
	private double strength = 1.0;

	@Parameter(label = "Steps (0 = model default)",
		description = "Decoder steps; 0 = the model's default", min = "0", max = "1000")
	private int steps = 0;

	@Parameter(label = "Guidance (0 = model default)",
		description = "Classifier-free guidance; 0 = the model's default, 1 = none",
		min = "0", max = "100", stepSize = "0.25")
	private double guidance = 0;

	@Parameter(label = "Scheduler", choices = { MODEL_DEFAULT, "ddim", "ddpm", "dpmsolver++", "unclip" })
	private String scheduler = MODEL_DEFAULT;

	@Parameter(label = "Planes", choices = { Planes.CURRENT, Planes.ALL })
	private String planes = Planes.CURRENT;

	@Override
	protected ImagePlus generate(final Generator generator, final ImageJProgress progress) {
		final ImagePlus source = Planes.required(image, NAME);
		final List<Integer> indices = Planes.of(source, planes);
		seed = resolveSeed(seed);
		return StackVariations.run(generator, source, indices, new StackVariations.Settings(n, seed, strength,
			sampling(steps, guidance, scheduler)), macroLine(), progress);
	}

	@Override
	protected String name() {
		return NAME;
	}

	@Override
	protected Map<String, Object> options() {
		final Map<String, Object> options = new LinkedHashMap<>();
		options.put("n", n);
		options.put("seed", seed);
		options.put("strength", strength);
		options.put("steps", steps);
		options.put("guidance", guidance);
		options.put("scheduler", scheduler);
		options.put("planes", planes);
		return options;
	}
}
