package sc.fiji.unclip.ij.image;

import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.converter.Converters;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.RealType;

/**
 * One ImageJ plane seen by the engine as an RGB ImgLib2 image, without copying: RGB planes wrap their
 * {@code int[]}; 8-, 16- and 32-bit planes wrap their arrays and map values to grey through the display
 * range the user sees (so a 12-bit image in a 16-bit container looks to the model as it looks on screen).
 */
public final class PlaneView {

	private PlaneView() {}

	/**
	 * The plane as RGB, grey planes mapped through {@code range} (the image's, not the plane's); alpha bits
	 * of RGB planes are ignored by the engine.
	 */
	public static RandomAccessibleInterval<ARGBType> rgb(final ImageProcessor ip, final DisplayRange range) {
		final int w = ip.getWidth(), h = ip.getHeight();
		if (ip instanceof ColorProcessor) return ArrayImgs.argbs((int[]) ip.getPixels(), w, h);
		if (ip instanceof ByteProcessor) return grey(ArrayImgs.unsignedBytes((byte[]) ip.getPixels(), w, h),
			range);
		if (ip instanceof ShortProcessor) return grey(ArrayImgs.unsignedShorts((short[]) ip.getPixels(), w, h),
			range);
		if (ip instanceof FloatProcessor) return grey(ArrayImgs.floats((float[]) ip.getPixels(), w, h), range);
		throw new IllegalArgumentException("Unsupported processor " + ip.getClass().getName());
	}

	private static <T extends RealType<T>> RandomAccessibleInterval<ARGBType> grey(
		final RandomAccessibleInterval<T> values, final DisplayRange range)
	{
		return Converters.convert(values, (in, out) -> {
			final int g = range.toByte(in.getRealDouble());
			out.set(ARGBType.rgba(g, g, g, 255));
		}, new ARGBType());
	}
}
