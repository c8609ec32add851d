package sc.fiji.unclip.engine;

import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.ARGBType;

/**
 * Conversions between images and the models' NCHW float layout in [-1,1] ({@code x = u8 / 127.5 - 1}, back
 * {@code round(clamp((x + 1) / 2, 0, 1) * 255)}), and the resizing to and from the model's resolution.
 */
final class ImageTensors {

	private ImageTensors() {}

	/** Smooth resize (bilinear after area-averaging reductions); the result is opaque RGB. */
	static BufferedImage resized(final BufferedImage image, final int w, final int h) {
		if (image.getWidth() == w && image.getHeight() == h) return image;
		BufferedImage current = image;
		// halve first so bilinear never skips source pixels when shrinking a lot
		while (current.getWidth() / 2 >= w && current.getHeight() / 2 >= h)
			current = draw(current, current.getWidth() / 2, current.getHeight() / 2);
		return draw(current, w, h);
	}

	private static BufferedImage draw(final BufferedImage image, final int w, final int h) {
		final BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
		final var g = out.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
		g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
		g.drawImage(image, 0, 0, w, h, null);
		g.dispose();
		return out;
	}

	/** One R x R image as [3,R,R] floats in [-1,1]. */
	static float[] toTensor(final BufferedImage image) {
		final int w = image.getWidth(), h = image.getHeight();
		final float[] out = new float[3 * w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				final int rgb = image.getRGB(x, y);
				final int p = y * w + x;
				out[p] = ((rgb >> 16) & 0xff) / 127.5f - 1;
				out[w * h + p] = ((rgb >> 8) & 0xff) / 127.5f - 1;
				out[2 * w * h + p] = (rgb & 0xff) / 127.5f - 1;
			}
		return out;
	}

	static int toByte(final float x) {
		return Math.round(Math.max(0f, Math.min(1f, (x + 1) / 2)) * 255);
	}

	/** Image {@code i} of a [n,3,R,R] tensor as an ARGB image. */
	static Img<ARGBType> toImage(final float[] tensor, final int i, final int size) {
		return toImage(tensor, i, size, size);
	}

	/** Image {@code i} of a [n,3,h,w] tensor as an ARGB image. */
	static Img<ARGBType> toImage(final float[] tensor, final int i, final int width, final int height) {
		final int plane = width * height;
		final int[] pixels = new int[plane];
		final int offset = i * 3 * plane;
		for (int p = 0; p < plane; p++)
			pixels[p] = ARGBType.rgba(toByte(tensor[offset + p]), toByte(tensor[offset + plane + p]), toByte(
				tensor[offset + 2 * plane + p]), 255);
		return ArrayImgs.argbs(pixels, width, height);
	}
}
