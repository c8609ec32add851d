package sc.fiji.unclip.ij;

import ij.ImagePlus;
import ij.process.ImageProcessor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import net.imglib2.img.Img;
import net.imglib2.type.numeric.ARGBType;

import org.scijava.ItemIO;
import org.scijava.command.Command;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;

import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.Generator;
import sc.fiji.unclip.VariationRequest;
import sc.fiji.unclip.ij.image.DisplayRange;
import sc.fiji.unclip.ij.image.GeneratedLabel;
import sc.fiji.unclip.ij.image.PlaneView;
import sc.fiji.unclip.ij.image.ResultImages;

/**
 * Plugins › unCLIP › Image Variations...: new images with the content and style of the current image (its
 * CLIP image embedding decoded with fresh noise). With all planes, plane k of the list uses seeds from
 * {@code seed + k * n}.
 */
@Plugin(type = Command.class, menuPath = "Plugins>unCLIP>Image Variations...", headless = true)
public class ImageVariationsCommand extends GenerationCommand {

	public static final String NAME = "Image Variations...";
	/** The model sees 32 to 256 pixels; larger planes are first shrunk (averaging) to this side. */
	static final int LARGEST_INPUT = 2048;

	@Parameter(label = "Image", required = false, description = "The current image")
	private ImagePlus image;

	@Parameter(label = "Number of images", min = "1", max = "16")
	private int n = 1;

	@Parameter(label = "Seed", description = "-1 picks a random seed; the seed used is recorded", min = "-1")
	private long seed = -1;

	@Parameter(label = "Strength", description = "1 = a fresh variation; lower stays closer to the image",
		min = "0.05", max = "1", stepSize = "0.05")
	private double strength = 1.0;

	@Parameter(label = "Steps", description = "Decoder steps; 0 = the model's default", min = "0", max = "1000")
	private int steps = 0;

	@Parameter(label = "Guidance", description = "Classifier-free guidance; 0 = the model's default, 1 = none",
		min = "0", max = "100", stepSize = "0.25")
	private double guidance = 0;

	@Parameter(label = "Scheduler", choices = { MODEL_DEFAULT, "ddim", "ddpm", "dpmsolver++", "unclip" })
	private String scheduler = MODEL_DEFAULT;

	@Parameter(label = "Planes", choices = { Planes.CURRENT, Planes.ALL })
	private String planes = Planes.CURRENT;

	@Parameter(type = ItemIO.OUTPUT)
	private ImagePlus result;

	@Override
	protected void generate(final Generator generator, final ImageJProgress progress) {
		final ImagePlus source = Planes.required(image, NAME);
		final List<Integer> indices = Planes.of(source, planes);
		seed = resolveSeed(seed);
		final List<Img<ARGBType>> images = new ArrayList<>();
		final List<String> labels = new ArrayList<>();
		final DisplayRange range = new DisplayRange(source.getDisplayRangeMin(), source.getDisplayRangeMax(),
			source.isInvertedLut());
		GenerationResult first = null;
		for (int k = 0; k < indices.size(); k++) {
			final long planeSeed = seed + (long) k * n;
			final GenerationResult made = generator.vary(new VariationRequest(PlaneView.rgb(shrunk(source.getStack().getProcessor(indices
				.get(k))), range), n, planeSeed, strength, sampling(steps, guidance, scheduler)), progress, progress
					.cancellation());
			if (first == null) first = made;
			images.addAll(made.images());
			for (int i = 0; i < n; i++)
				labels.add((indices.size() > 1 ? "plane " + indices.get(k) + ", " : "") + "seed " + (planeSeed + i));
		}
		result = ResultImages.stack("unCLIP variations of " + source.getTitle(), images, labels::get);
		if (result.getWidth() == source.getWidth()) result.setCalibration(source.getCalibration());
		GeneratedLabel.apply(result, first.provenance(), MacroLine.of(NAME, options()), null);
	}

	private static ImageProcessor shrunk(final ImageProcessor plane) {
		final int side = Math.max(plane.getWidth(), plane.getHeight());
		if (side <= LARGEST_INPUT) return plane;
		final double f = (double) LARGEST_INPUT / side;
		return plane.resize(Math.max(1, (int) Math.round(plane.getWidth() * f)), Math.max(1, (int) Math.round(
			plane.getHeight() * f)), true);
	}

	private Map<String, Object> options() {
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
