package sc.fiji.unclip.engine.io;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.ARGBType;

import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

import sc.fiji.unclip.UnclipException;

/**
 * PNG files with provenance: images are written as 8-bit RGB with each entry of a text map as an iTXt chunk
 * (UTF-8, so prompts in any language survive), and read from any PNG javax.imageio decodes (grayscale,
 * 16-bit, alpha, palette) as opaque ARGB, with their text chunks.
 */
public final class PngIO {

	private static final String FORMAT = "javax_imageio_png_1.0";

	/**
	 * Largest side read, checked from the header before any pixel is decoded: a small file can inflate to
	 * gigabytes (a 1 MB PNG of 20000 x 20000 pixels), and no model takes more than this anyway.
	 */
	public static final int MAX_SIDE = 16384;

	/** A decoded PNG: pixels and text chunks (tEXt, zTXt and iTXt). */
	public record Decoded(Img<ARGBType> image, Map<String, String> text) {}

	private PngIO() {}

	public static void write(final RandomAccessibleInterval<ARGBType> image, final Map<String, String> text,
		final OutputStream out) throws IOException
	{
		final BufferedImage awt = ArgbImages.toAwt(image);
		final ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
		try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
			writer.setOutput(stream);
			final IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(
				awt), writer.getDefaultWriteParam());
			if (text != null && !text.isEmpty()) {
				final IIOMetadataNode itxt = new IIOMetadataNode("iTXt");
				for (final Map.Entry<String, String> e : text.entrySet()) {
					final IIOMetadataNode entry = new IIOMetadataNode("iTXtEntry");
					entry.setAttribute("keyword", e.getKey());
					entry.setAttribute("compressionFlag", "FALSE");
					entry.setAttribute("compressionMethod", "0");
					entry.setAttribute("languageTag", "");
					entry.setAttribute("translatedKeyword", "");
					entry.setAttribute("text", e.getValue());
					itxt.appendChild(entry);
				}
				final IIOMetadataNode root = new IIOMetadataNode(FORMAT);
				root.appendChild(itxt);
				try {
					metadata.mergeTree(FORMAT, root);
				}
				catch (final IIOInvalidTreeException e) {
					throw new IOException("Cannot store the PNG text chunks: " + e.getMessage(), e);
				}
			}
			writer.write(null, new IIOImage(awt, null, metadata), null);
		}
		finally {
			writer.dispose();
		}
	}

	/** Pixels only. */
	public static Img<ARGBType> read(final InputStream in) throws IOException {
		return decode(in).image();
	}

	/** Pixels (composited over black where transparent, as ImageJ shows them) and text chunks. */
	public static Decoded decode(final InputStream in) throws IOException {
		try (ImageInputStream stream = ImageIO.createImageInputStream(in)) {
			final Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
			if (stream == null || !readers.hasNext()) throw new UnclipException(
				"Not a PNG or other readable image; save the image as PNG and try again.");
			final ImageReader reader = readers.next();
			try {
				reader.setInput(stream, true, false);
				final int width = reader.getWidth(0), height = reader.getHeight(0);
				if (width > MAX_SIDE || height > MAX_SIDE) throw new UnclipException("The image is " + width +
					"x" + height + " pixels; each side may be at most " + MAX_SIDE + ". Scale it down first.");
				final BufferedImage awt = reader.read(0);
				final Map<String, String> text = new LinkedHashMap<>();
				final IIOMetadata metadata = reader.getImageMetadata(0);
				if (metadata != null && java.util.Arrays.asList(metadata.getMetadataFormatNames()).contains(FORMAT))
					collectText(metadata.getAsTree(FORMAT), text);
				final int w = awt.getWidth(), h = awt.getHeight();
				final int[] pixels = new int[w * h];
				final BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
				final var g = rgb.createGraphics();
				g.drawImage(awt, 0, 0, null);
				g.dispose();
				rgb.getRGB(0, 0, w, h, pixels, 0, w);
				for (int i = 0; i < pixels.length; i++)
					pixels[i] |= 0xff000000;
				return new Decoded(ArrayImgs.argbs(pixels, w, h), text);
			}
			catch (final IOException | RuntimeException e) {
				if (e instanceof UnclipException u) throw u;
				throw new UnclipException("Cannot decode the image (" + e.getMessage() +
					"); the file may be truncated, save it again as PNG.", e);
			}
			finally {
				reader.dispose();
			}
		}
	}

	private static void collectText(final Node node, final Map<String, String> text) {
		final String name = node.getNodeName();
		if (name.equals("tEXtEntry") || name.equals("zTXtEntry") || name.equals("iTXtEntry")) {
			final NamedNodeMap a = node.getAttributes();
			final Node key = a.getNamedItem("keyword");
			final Node value = a.getNamedItem(name.equals("tEXtEntry") ? "value" : name.equals("zTXtEntry") ? "text"
				: "text");
			if (key != null && value != null) text.put(key.getNodeValue(), value.getNodeValue());
		}
		for (Node child = node.getFirstChild(); child != null; child = child.getNextSibling())
			collectText(child, text);
	}
}
