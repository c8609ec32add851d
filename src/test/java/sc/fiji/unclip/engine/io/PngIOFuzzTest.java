package sc.fiji.unclip.engine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.SplittableRandom;

import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.ARGBType;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import sc.fiji.unclip.UnclipException;

/**
 * The PNG reader under damaged and random files, as users and clients send them: each one is read or
 * refused with the project's message (UnclipException), never another exception, never a hang; what the
 * writer wrote reads back pixel for pixel with its text.
 */
class PngIOFuzzTest {

	@Property(tries = 300)
	void damagedPngsAreReadOrRefusedWithAMessage(@ForAll @IntRange(min = 1, max = 40) final int width,
		@ForAll @IntRange(min = 1, max = 40) final int height, @ForAll final long seed) throws Exception
	{
		final SplittableRandom random = new SplittableRandom(seed);
		final byte[] png = written(image(width, height, random), Map.of("unclip.prompt", "fuzz " + seed));
		final byte[] damaged = java.util.Arrays.copyOf(png, 8 + random.nextInt(png.length - 7));
		for (int k = random.nextInt(6); k > 0; k--)
			damaged[random.nextInt(damaged.length)] ^= (byte) (1 + random.nextInt(255));
		readOrRefused(damaged);
	}

	@Property(tries = 200)
	void randomBytesAreRefusedWithAMessage(@ForAll @Size(max = 400) final byte[] bytes) {
		final byte[] withSignature = new byte[bytes.length + 8];
		System.arraycopy(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' }, 0, withSignature, 0, 8);
		System.arraycopy(bytes, 0, withSignature, 8, bytes.length);
		readOrRefused(bytes);
		readOrRefused(withSignature);
	}

	@Property(tries = 100)
	void whatTheWriterWritesReadsBackExactly(@ForAll @IntRange(min = 1, max = 64) final int width,
		@ForAll @IntRange(min = 1, max = 64) final int height, @ForAll final long seed,
		@ForAll @Size(max = 40) final String prompt) throws Exception
	{
		final Img<ARGBType> image = image(width, height, new SplittableRandom(seed));
		final PngIO.Decoded back = PngIO.decode(new ByteArrayInputStream(written(image, Map.of("unclip.prompt",
			prompt))));
		assertEquals(prompt, back.text().get("unclip.prompt"));
		final var a = image.cursor();
		final var b = back.image().cursor();
		while (a.hasNext())
			assertEquals(a.next().get(), b.next().get());
	}

	private static void readOrRefused(final byte[] bytes) {
		final long start = System.nanoTime();
		try {
			final Img<ARGBType> image = PngIO.read(new ByteArrayInputStream(bytes));
			assertTrue(image.dimension(0) <= PngIO.MAX_SIDE && image.dimension(1) <= PngIO.MAX_SIDE);
		}
		catch (final UnclipException e) {
			assertTrue(e.getMessage() != null && e.getMessage().length() > 10, e.getMessage());
		}
		catch (final java.io.IOException e) {
			throw new AssertionError("an IOException escaped for in-memory bytes: " + e, e);
		}
		assertTrue(System.nanoTime() - start < 10_000_000_000L, "reading took over 10 s");
	}

	private static Img<ARGBType> image(final int width, final int height, final SplittableRandom random) {
		final int[] argb = new int[width * height];
		for (int i = 0; i < argb.length; i++)
			argb[i] = 0xff000000 | random.nextInt(1 << 24);
		return ArrayImgs.argbs(argb, width, height);
	}

	private static byte[] written(final Img<ARGBType> image, final Map<String, String> text) throws Exception {
		final ByteArrayOutputStream out = new ByteArrayOutputStream();
		PngIO.write(image, text, out);
		return out.toByteArray();
	}
}
