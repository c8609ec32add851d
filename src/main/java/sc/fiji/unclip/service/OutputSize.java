package sc.fiji.unclip.service;

import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.type.numeric.ARGBType;

import sc.fiji.unclip.engine.io.ArgbImages;

/**
 * The {@code size} an OpenAI client asks for ({@code "256x256"}, ...). Plain clients send the sizes of
 * OpenAI's models whatever model they talk to, so the service answers any size within its pixel limit:
 * images the model made at another size are resampled (bicubic) to it, and say so in their provenance.
 */
record OutputSize(int width, int height) {

	private static final Pattern FORMAT = Pattern.compile("(\\d{1,6})x(\\d{1,6})");

	/** @return null when the request gives no size */
	static OutputSize parse(final String size, final long maxPixels) {
		if (size == null) return null;
		final Matcher m = FORMAT.matcher(size.trim());
		if (!m.matches()) throw ApiException.badRequest("invalid_size", "size '" + size +
			"' is not WIDTHxHEIGHT, e.g. '256x256'.");
		final int w = Integer.parseInt(m.group(1)), h = Integer.parseInt(m.group(2));
		if (w < 8 || h < 8 || (long) w * h > maxPixels) throw ApiException.badRequest("invalid_size",
			"size '" + size + "' is outside the limits: each side at least 8 pixels, at most " + maxPixels +
				" pixels in all.");
		return new OutputSize(w, h);
	}

	boolean matches(final RandomAccessibleInterval<?> image) {
		return image.dimension(0) == width && image.dimension(1) == height;
	}

	@Override
	public String toString() {
		return width + "x" + height;
	}

	Img<ARGBType> resample(final RandomAccessibleInterval<ARGBType> image) {
		final BufferedImage source = ArgbImages.toAwt(image);
		final BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
		final var g = out.createGraphics();
		g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
		g.drawImage(source, 0, 0, width, height, null);
		g.dispose();
		return ArgbImages.fromAwt(out);
	}
}
