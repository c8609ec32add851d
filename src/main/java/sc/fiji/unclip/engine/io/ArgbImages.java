package sc.fiji.unclip.engine.io;

import java.awt.image.BufferedImage;

import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.view.Views;

/**
 * RGB ImgLib2 images to and from row-by-row {@code int[]} pixels and AWT images, the one place where the
 * engine, the PNG codec, the service and the Fiji commands cross between those representations.
 */
public final class ArgbImages {

	private ArgbImages() {}

	/** A copy of the ARGB values, row by row (any interval; its origin becomes 0,0). */
	public static int[] pixels(final RandomAccessibleInterval<ARGBType> image) {
		final int w = (int) image.dimension(0), h = (int) image.dimension(1);
		final int[] out = new int[w * h];
		final RandomAccess<ARGBType> ra = Views.zeroMin(image).randomAccess();
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				ra.setPosition(x, 0);
				ra.setPosition(y, 1);
				out[y * w + x] = ra.get().get();
			}
		return out;
	}

	/** An opaque RGB AWT image of the same pixels (alpha dropped). */
	public static BufferedImage toAwt(final RandomAccessibleInterval<ARGBType> image) {
		return toAwt(pixels(image), (int) image.dimension(0), (int) image.dimension(1));
	}

	/** An opaque RGB AWT image of {@code w x h} ARGB values, row by row (for callers that have them). */
	public static BufferedImage toAwt(final int[] argb, final int w, final int h) {
		final BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
		out.setRGB(0, 0, w, h, argb, 0, w);
		return out;
	}

	/** The AWT image's pixels as an ARGB array image, forced opaque. */
	public static Img<ARGBType> fromAwt(final BufferedImage image) {
		final int w = image.getWidth(), h = image.getHeight();
		final int[] pixels = image.getRGB(0, 0, w, h, null, 0, w);
		for (int i = 0; i < pixels.length; i++)
			pixels[i] |= 0xff000000;
		return ArrayImgs.argbs(pixels, w, h);
	}
}
