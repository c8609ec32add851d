package sc.fiji.unclip.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.ARGBType;
import sc.fiji.unclip.UnclipException;

class PngIOTest {

	@Test
	void roundTripKeepsPixelsAndUnicodeText() throws Exception {
		final int[] pixels = new int[12 * 9];
		for (int i = 0; i < pixels.length; i++)
			pixels[i] = 0xff000000 | i * 0x010203;
		final Map<String, String> text = new LinkedHashMap<>();
		text.put("unclip.prompt", "un cercle rouge élégant, 赤い円 🔴");
		text.put("unclip.seed", "-5");
		final ByteArrayOutputStream out = new ByteArrayOutputStream();
		PngIO.write(ArrayImgs.argbs(pixels, 12, 9), text, out);
		final PngIO.Decoded decoded = PngIO.decode(new ByteArrayInputStream(out.toByteArray()));
		final int[] read = new int[pixels.length];
		final var c = decoded.image().localizingCursor();
		while (c.hasNext()) {
			c.fwd();
			read[c.getIntPosition(1) * 12 + c.getIntPosition(0)] = c.get().get();
		}
		assertArrayEquals(pixels, read);
		assertEquals(text, decoded.text());
	}

	@Test
	void readsGrayscaleSixteenBitAlphaAndPalettePngs() throws Exception {
		for (final int type : new int[] { BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_USHORT_GRAY,
			BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_BYTE_INDEXED })
		{
			final BufferedImage awt = new BufferedImage(10, 8, type);
			final var g = awt.createGraphics();
			g.setColor(java.awt.Color.WHITE);
			g.fillRect(2, 2, 4, 4);
			g.dispose();
			final ByteArrayOutputStream out = new ByteArrayOutputStream();
			assertTrue(ImageIO.write(awt, "png", out));
			final Img<ARGBType> image = PngIO.read(new ByteArrayInputStream(out.toByteArray()));
			assertEquals(10, image.dimension(0));
			assertEquals(8, image.dimension(1));
			final var ra = image.randomAccess();
			ra.setPosition(new int[] { 3, 3 });
			assertEquals(0xffffffff, ra.get().get(), "type " + type);
			ra.setPosition(new int[] { 0, 0 });
			assertEquals(0xff000000, ra.get().get(), "type " + type);
		}
	}

	@Test
	void truncatedOrForeignFilesGiveAClearMessage() throws Exception {
		final ByteArrayOutputStream out = new ByteArrayOutputStream();
		PngIO.write(ArrayImgs.argbs(20, 20), Map.of(), out);
		final byte[] half = Arrays.copyOf(out.toByteArray(), out.size() / 2);
		final UnclipException e = assertThrows(UnclipException.class, () -> PngIO.read(new ByteArrayInputStream(
			half)));
		assertTrue(e.getMessage().contains("truncated"), e.getMessage());
		final UnclipException f = assertThrows(UnclipException.class, () -> PngIO.read(new ByteArrayInputStream(
			"hello".getBytes())));
		assertTrue(f.getMessage().contains("Not a PNG"), f.getMessage());
	}

	@Test
	void aSmallFileOfHugeDimensionsIsRefusedFromItsHeaderBeforeDecoding() throws Exception {
		final byte[] bomb = grayPng(20000, 20000);
		assertTrue(bomb.length < 200_000, "the file itself is small: " + bomb.length);
		final long start = System.nanoTime();
		final UnclipException e = assertThrows(UnclipException.class, () -> PngIO.read(new ByteArrayInputStream(
			bomb)));
		assertTrue(e.getMessage().contains("20000x20000") && e.getMessage().contains(String.valueOf(
			PngIO.MAX_SIDE)), e.getMessage());
		// decoding would allocate 1.6 GB of ARGB pixels; refusing from the header takes milliseconds
		assertTrue(System.nanoTime() - start < 5_000_000_000L, "refused without decoding");
	}

	/** A valid 1-bit grayscale PNG, all black: 20000 x 20000 pixels deflate to a few tens of KB. */
	static byte[] grayPng(final int width, final int height) throws Exception {
		final ByteArrayOutputStream png = new ByteArrayOutputStream();
		png.write(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' });
		final java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(13).putInt(width).putInt(height).put(
			(byte) 1).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
		chunk(png, "IHDR", header.array());
		final ByteArrayOutputStream pixels = new ByteArrayOutputStream();
		try (var deflate = new java.util.zip.DeflaterOutputStream(pixels)) {
			final byte[] row = new byte[1 + (width + 7) / 8]; // filter byte 0, then zeros
			for (int y = 0; y < height; y++)
				deflate.write(row);
		}
		chunk(png, "IDAT", pixels.toByteArray());
		chunk(png, "IEND", new byte[0]);
		return png.toByteArray();
	}

	private static void chunk(final ByteArrayOutputStream png, final String type, final byte[] data)
		throws Exception
	{
		final java.util.zip.CRC32 crc = new java.util.zip.CRC32();
		final byte[] name = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
		crc.update(name);
		crc.update(data);
		png.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
		png.write(name);
		png.write(data);
		png.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
	}
}
