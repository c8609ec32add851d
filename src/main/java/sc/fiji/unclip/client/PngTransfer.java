package sc.fiji.unclip.client;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;

import javax.imageio.ImageIO;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.view.Views;
import sc.fiji.unclip.UnclipException;
import sc.fiji.unclip.engine.io.PngIO;

/** Images to and from the PNG bytes the Images API carries (through the engine's {@link PngIO}). */
final class PngTransfer {

	private PngTransfer() {}

	static byte[] rgb(final RandomAccessibleInterval<ARGBType> image) {
		try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
			PngIO.write(image, Map.of(), out);
			return out.toByteArray();
		}
		catch (final IOException e) {
			throw new IllegalStateException("PNG encoding failed in memory", e);
		}
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
			final Img<ARGBType> image = PngIO.read(new ByteArrayInputStream(png));
			for (final ARGBType p : image)
				p.set(p.get() | 0xff000000);
			return image;
		}
		catch (final IOException | RuntimeException e) {
			throw new UnclipException("The server sent an image that is not a readable PNG: " + e
				.getMessage(), e);
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
