package sc.fiji.unclip.service;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.IntArray;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.view.Views;

/**
 * PNG in and out of the service: uploads are checked (signature, size limit before decoding, truncation)
 * and responses carry the provenance as PNG text chunks, like every PNG this project writes.
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

	/** Encodes an RGB image as PNG with one {@code tEXt} chunk per provenance entry. */
	static byte[] encode(final RandomAccessibleInterval<ARGBType> image, final Map<String, String> text) {
		final int w = (int) image.dimension(0), h = (int) image.dimension(1);
		final BufferedImage buffered = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
		final int[] rgb = new int[w * h];
		int i = 0;
		for (final ARGBType pixel : Views.flatIterable(image))
			rgb[i++] = pixel.get();
		buffered.setRGB(0, 0, w, h, rgb, 0, w);
		final ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
		try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
			ImageOutputStream out = ImageIO.createImageOutputStream(bytes))
		{
			final IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier
				.createFromRenderedImage(buffered), writer.getDefaultWriteParam());
			final IIOMetadataNode textNode = new IIOMetadataNode("tEXt");
			text.forEach((key, value) -> {
				final IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
				entry.setAttribute("keyword", key);
				entry.setAttribute("value", latin1(value));
				textNode.appendChild(entry);
			});
			final IIOMetadataNode root = new IIOMetadataNode("javax_imageio_png_1.0");
			root.appendChild(textNode);
			metadata.mergeTree("javax_imageio_png_1.0", root);
			writer.setOutput(out);
			writer.write(new IIOImage(buffered, null, metadata));
			out.flush();
			return bytes.toByteArray();
		}
		catch (final IOException e) {
			throw new IllegalStateException("PNG encoding failed in memory", e);
		}
		finally {
			writer.dispose();
		}
	}

	/** tEXt chunks are Latin-1; characters outside it become '?' rather than corrupt the file. */
	private static String latin1(final String s) {
		final StringBuilder sb = new StringBuilder(s.length());
		for (final char c : s.toCharArray())
			sb.append(c < 256 ? c : '?');
		return sb.toString();
	}
}
