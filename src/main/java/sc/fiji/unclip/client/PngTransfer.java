package sc.fiji.unclip.client;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

import javax.imageio.ImageIO;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.view.Views;
import sc.fiji.unclip.UnclipException;

/** Images to and from the PNG bytes the Images API carries. */
final class PngTransfer {

	private PngTransfer() {}

	static byte[] rgb(final RandomAccessibleInterval<ARGBType> image) {
		final int w = (int) image.dimension(0), h = (int) image.dimension(1);
		final BufferedImage buffered = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
		final int[] rgb = new int[w * h];
		int i = 0;
		for (final ARGBType p : Views.flatIterable(image))
			rgb[i++] = p.get();
		buffered.setRGB(0, 0, w, h, rgb, 0, w);
		return write(buffered);
	}

	/**
	 * A mask in OpenAI's convention, which this project's service also reads: fully transparent where the
	 * region is regenerated, opaque black elsewhere.
	 */
	static byte[] transparentMask(final RandomAccessibleInterval<UnsignedByteType> mask) {
		final int w = (int) mask.dimension(0), h = (int) mask.dimension(1);
		final BufferedImage buffered = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
		final int[] argb = new int[w * h];
		int i = 0;
		for (final UnsignedByteType m : Views.flatIterable(mask))
			argb[i++] = m.get() != 0 ? 0x00000000 : 0xff000000;
		buffered.setRGB(0, 0, w, h, argb, 0, w);
		return write(buffered);
	}

	static Img<ARGBType> decode(final byte[] png) {
		try {
			final BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
			if (image == null) throw new UnclipException("The server sent an image that is not a PNG.");
			final int w = image.getWidth(), h = image.getHeight();
			final int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
			for (int i = 0; i < argb.length; i++)
				argb[i] |= 0xff000000;
			return ArrayImgs.argbs(argb, w, h);
		}
		catch (final IOException e) {
			throw new UnclipException("The server sent a damaged PNG: " + e.getMessage(), e);
		}
	}

	private static byte[] write(final BufferedImage image) {
		try {
			final ByteArrayOutputStream out = new ByteArrayOutputStream();
			ImageIO.write(image, "png", out);
			return out.toByteArray();
		}
		catch (final IOException e) {
			throw new IllegalStateException("PNG encoding failed in memory", e);
		}
	}
}
