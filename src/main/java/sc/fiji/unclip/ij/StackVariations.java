package sc.fiji.unclip.ij;

import ij.ImagePlus;
import ij.process.ImageProcessor;

import java.util.ArrayList;
import java.util.List;

import net.imglib2.img.Img;
import net.imglib2.type.numeric.ARGBType;

import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.Generator;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.VariationRequest;
import sc.fiji.unclip.ij.image.DisplayRange;
import sc.fiji.unclip.ij.image.GeneratedLabel;
import sc.fiji.unclip.ij.image.PlaneView;
import sc.fiji.unclip.ij.image.ResultImages;

/**
 * Variations of the chosen planes of an open image, as one RGB stack: plane k of the list uses seeds from
 * {@code seed + k * n}, and every slice is labelled with its plane and seed. The source is only read.
 */
final class StackVariations {

	/** What every plane gets. */
	record Settings(int n, long seed, double strength, SamplingOptions sampling) {}

	private StackVariations() {}

	static ImagePlus run(final Generator generator, final ImagePlus source, final List<Integer> planes,
		final Settings settings, final String macroLine, final ImageJProgress progress)
	{
		final int n = settings.n();
		final List<Img<ARGBType>> images = new ArrayList<>();
		final List<String> labels = new ArrayList<>();
		final DisplayRange range = DisplayRange.of(source);
		GenerationResult first = null;
		for (int k = 0; k < planes.size(); k++) {
			final long planeSeed = settings.seed() + (long) k * n;
			final ImageProcessor plane = Planes.shrunk(source.getStack().getProcessor(planes.get(k)));
			final GenerationResult made = generator.vary(new VariationRequest(PlaneView.rgb(plane, range), n,
				planeSeed, settings.strength(), settings.sampling()), progress, progress.cancellation());
			if (first == null) first = made;
			images.addAll(made.images());
			for (int i = 0; i < n; i++)
				labels.add((planes.size() > 1 ? "plane " + planes.get(k) + ", " : "") + "seed " + (planeSeed + i));
		}
		final ImagePlus result = ResultImages.stack("unCLIP variations of " + source.getTitle(), images,
			labels::get);
		if (result.getWidth() == source.getWidth()) result.setCalibration(source.getCalibration());
		GeneratedLabel.apply(result, first.provenance(), macroLine, null);
		return result;
	}
}
