package sc.fiji.unclip.ij.image;

import ij.ImagePlus;
import ij.ImageStack;
import ij.process.ColorProcessor;

import java.util.List;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.basictypeaccess.array.IntArray;
import net.imglib2.type.numeric.ARGBType;

import sc.fiji.unclip.engine.io.ArgbImages;

/** The engine's RGB images as ImageJ planes: array images are wrapped, not copied. */
public final class ResultImages {

	private ResultImages() {}

	/** n images of one size as one RGB stack; slice labels come from {@code label(i)}. */
	public static ImagePlus stack(final String title, final List<Img<ARGBType>> images,
		final java.util.function.IntFunction<String> label)
	{
		final int w = (int) images.get(0).dimension(0), h = (int) images.get(0).dimension(1);
		final ImageStack stack = new ImageStack(w, h);
		for (int i = 0; i < images.size(); i++)
			stack.addSlice(label.apply(i), processor(images.get(i)));
		return new ImagePlus(title, stack);
	}

	public static ColorProcessor processor(final RandomAccessibleInterval<ARGBType> image) {
		final int w = (int) image.dimension(0), h = (int) image.dimension(1);
		return new ColorProcessor(w, h, pixels(image));
	}

	/** The ARGB values row by row; the backing array itself when the image is a plain array image. */
	public static int[] pixels(final RandomAccessibleInterval<ARGBType> image) {
		if (image instanceof ArrayImg<?, ?> array && array.update(null) instanceof IntArray ints) return ints
			.getCurrentStorageArray();
		return ArgbImages.pixels(image);
	}
}
