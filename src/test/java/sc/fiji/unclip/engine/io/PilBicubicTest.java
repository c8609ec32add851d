package sc.fiji.unclip.engine.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.io.IOException;
import java.io.InputStream;

import net.imglib2.img.Img;
import net.imglib2.type.numeric.ARGBType;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pillow's own bicubic resizes (test resources pil/, made by Pillow 11.3) are reproduced bit for bit. */
class PilBicubicTest {

	private static Img<ARGBType> read(final String name) throws IOException {
		try (InputStream in = PilBicubicTest.class.getResourceAsStream("pil/" + name)) {
			return PngIO.read(in);
		}
	}

	@ParameterizedTest
	@CsvSource({ "17,13", "80,57", "41,11", "90,29", "7,5" })
	void matchesPillow(final int w, final int h) throws IOException {
		final int[] source = ArgbImages.pixels(read("source.png"));
		final int[] expected = ArgbImages.pixels(read("bicubic-" + w + "x" + h + ".png"));
		final int[] actual = PilBicubic.resize(source, 41, 29, w, h);
		for (int i = 0; i < expected.length; i++)
			expected[i] |= 0xff000000;
		assertArrayEquals(expected, actual, "resize to " + w + "x" + h);
	}

	@ParameterizedTest
	@CsvSource({ "41,29" })
	void sameSizeIsACopy(final int w, final int h) throws IOException {
		final int[] source = ArgbImages.pixels(read("source.png"));
		final int[] actual = PilBicubic.resize(source, w, h, w, h);
		assertNotSame(source, actual);
		assertArrayEquals(source, actual);
	}
}
