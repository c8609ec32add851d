package sc.fiji.unclip.service;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.IntArray;
import net.imglib2.type.numeric.ARGBType;
import sc.fiji.unclip.engine.io.PngIO;

/**
 * PNG in and out of the service: uploads are checked (signature, size limit before decoding, truncation)
 * and responses carry the provenance as PNG text chunks, written by the engine's {@link PngIO}.
 */
final class PngImages {

	private static final byte[] SIGNATURE = { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

	private PngImages() {}

	/** An uploaded image as ARGB pixels (alpha kept, for OpenAI's transparent-pixels masks). */
	static ArrayImg<ARGBType, IntArray> decode(final String field, final byte[] png,
		final long maxPixels)
	{
		if (png == null) throw ApiException.badRequest("missing_image", "'" + field +
			"' is required: upload a PNG file.");
		if (png.length == 0) throw ApiException.badRequest("invalid_image", "'" + field +
			"' is empty (0 bytes): upload a PNG file.");
		if (png.length < SIGNATURE.length || !java.util.Arrays.equals(SIGNATURE, 0, SIGNATURE.length, png,
			0, SIGNATURE.length)) throw ApiException.badRequest("invalid_image_format", "'" + field +
				"' is not a PNG file; convert it to PNG.");
		try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
			final Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
			final ImageReader reader = readers.next();
			try {
				reader.setInput(in, true, true);
				final long width = reader.getWidth(0), height = reader.getHeight(0);
				if (width * height > maxPixels) throw ApiException.badRequest("image_too_large", "'" +
					field + "' is " + width + "x" + height + " pixels; this service takes at most " +
					maxPixels + " pixels. Scale it down first.");
				final BufferedImage image = reader.read(0);
				final int w = image.getWidth(), h = image.getHeight();
				final int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
				return ArrayImgs.argbs(argb, w, h);
			}
			finally {
				reader.dispose();
			}
		}
		catch (final IOException | RuntimeException e) {
			if (e instanceof ApiException api) throw api;
			throw ApiException.badRequest("invalid_image", "'" + field +
				"' could not be read as PNG (truncated or damaged file?): " + e.getMessage());
		}
	}

	/** Encodes an RGB image as PNG with the provenance as text chunks (the engine's codec). */
	static byte[] encode(final RandomAccessibleInterval<ARGBType> image, final Map<String, String> text) {
		try (ByteArrayOutputStream bytes = new ByteArrayOutputStream()) {
			PngIO.write(image, text, bytes);
			return bytes.toByteArray();
		}
		catch (final IOException e) {
			throw new IllegalStateException("PNG encoding failed in memory", e);
		}
	}
}
