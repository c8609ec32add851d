package sc.fiji.unclip.ij.image;

import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;

import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.List;

import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.ARGBType;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.Generator;
import sc.fiji.unclip.InpaintRequest;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.SamplingOptions;

/**
 * Inpainting of one ImageJ plane of any type. Only a window around the selection (its box plus the context
 * margin the engine uses) is handed to the generator, and only selected pixels are written back, so pixels
 * outside the selection keep their exact values whatever the image type, and huge images stay cheap.
 * Grey planes go through their display range to the model and back into their own units.
 */
public final class PlaneInpainting {

	private PlaneInpainting() {}

	/** What to ask the generator for, apart from the plane and the mask. */
	public record Request(String prompt, int n, long seed, double feather, SamplingOptions sampling) {}

	/** Inpainted copies of the plane (n of them) and the generator's result (provenance, warnings). */
	public record Outcome(List<ImageProcessor> planes, GenerationResult result) {}

	public static Outcome run(final Generator generator, final ImageProcessor plane,
		final DisplayRange range, final SelectionMask selection, final Request request, final ProgressListener progress,
		final Cancellation cancellation)
	{
		final Rectangle window = contextWindow(selection.bounds(), plane.getWidth(), plane.getHeight());
		plane.setRoi(window);
		final ImageProcessor crop = plane.crop();
		plane.resetRoi();
		final byte[] mask = new byte[window.width * window.height];
		final Rectangle b = selection.bounds();
		for (int y = 0; y < b.height; y++)
			System.arraycopy(selection.mask(), y * b.width, mask, (b.y - window.y + y) * window.width + b.x -
				window.x, b.width);
		final GenerationResult result = generator.inpaint(new InpaintRequest(PlaneView.rgb(crop, range), ArrayImgs
			.unsignedBytes(mask, window.width, window.height), request.prompt(), request.n(), request.seed(),
			request.feather(), request.sampling()), progress, cancellation);
		final List<ImageProcessor> planes = new ArrayList<>();
		for (final Img<ARGBType> generated : result.images()) {
			final ImageProcessor out = plane.duplicate();
			paste(out, ResultImages.pixels(generated), window, selection, range);
			planes.add(out);
		}
		return new Outcome(planes, result);
	}

	/** Writes the generated pixels into {@code target}, inside the selection only. */
	public static void paste(final ImageProcessor target, final int[] generated, final Rectangle window,
		final SelectionMask selection, final DisplayRange range)
	{
		final Rectangle b = selection.bounds();
		for (int y = b.y; y < b.y + b.height; y++)
			for (int x = b.x; x < b.x + b.width; x++) {
				if (!selection.selected(x, y)) continue;
				final int rgb = generated[(y - window.y) * window.width + x - window.x];
				if (target instanceof ColorProcessor) {
					target.set(x, y, (target.get(x, y) & 0xff000000) | (rgb & 0xffffff));
					continue;
				}
				final double grey = ((rgb >> 16 & 0xff) + (rgb >> 8 & 0xff) + (rgb & 0xff)) / 3.0;
				final double value = range.toValue(grey);
				if (target instanceof FloatProcessor) target.putPixelValue(x, y, value);
				else target.set(x, y, (int) Math.max(0, Math.min(target.maxValue(), Math.round(value))));
			}
	}

	/**
	 * The selection's box grown by the engine's context margin (half the box's larger side, at least 8 px)
	 * and clipped to the plane: the engine sees the same context as with the whole image.
	 */
	static Rectangle contextWindow(final Rectangle box, final int width, final int height) {
		final int margin = Math.max(8, Math.max(box.width, box.height) / 2) + 1;
		final Rectangle grown = new Rectangle(box.x - margin, box.y - margin, box.width + 2 * margin,
			box.height + 2 * margin);
		return grown.intersection(new Rectangle(width, height));
	}
}
