package sc.fiji.unclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.unclip.engine.io.PngIO;
import sc.fiji.unclip.engine.kandinsky22.Kandinsky22Fixture;

/** {@code --size WxH}: the output size on a model of free size; refused on a fixed-size one or when malformed. */
class SizeOptionTest {

	@Test
	void aKandinskyModelMakesTheSizeAsked(@TempDir final Path dir) throws Exception {
		final Path out = dir.resolve("wide.png");
		final MainTest.Run run = MainTest.run("generate", "--prompt", "a red fox", "--steps", "2", "--size",
			"128x64", "--quiet", "true", "--model", Kandinsky22Fixture.BUNDLE.toString(), "--out", out.toString());
		assertEquals(Main.OK, run.code(), run.err());
		try (InputStream in = Files.newInputStream(out)) {
			final PngIO.Decoded png = PngIO.decode(in);
			assertEquals(128, png.image().dimension(0));
			assertEquals(64, png.image().dimension(1));
			assertEquals("128x64", png.text().get("unclip.size"));
		}
	}

	@Test
	void badSizesSayWhy(@TempDir final Path dir) {
		final MainTest.Run malformed = MainTest.run("generate", "--prompt", "a", "--size", "big", "--out", dir
			.resolve("x.png").toString());
		assertEquals(Main.USAGE, malformed.code());
		assertTrue(malformed.err().contains("--size 'big' is not WIDTHxHEIGHT"), malformed.err());
		final MainTest.Run fixed = MainTest.run("generate", "--prompt", "a", "--size", "128x128", "--model",
			MainTest.MODEL, "--out", dir.resolve("y.png").toString());
		assertEquals(Main.FAILED, fixed.code());
		assertTrue(fixed.err().contains("makes only"), fixed.err());
		final MainTest.Run odd = MainTest.run("generate", "--prompt", "a", "--size", "100x64", "--model",
			Kandinsky22Fixture.BUNDLE.toString(), "--out", dir.resolve("z.png").toString());
		assertEquals(Main.FAILED, odd.code());
		assertTrue(odd.err().contains("multiples of 64"), odd.err());
	}
}
