package sc.fiji.unclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import sc.fiji.unclip.engine.io.PngIO;

/**
 * {@code interpolate} and {@code textdiff} on the real bundle: numbered frames, provenance, exit codes; and
 * {@code interpolate} on the micro karlo bundle, whose kind refuses text diffs.
 */
class EmbeddingCommandsTest {

	static final String MODEL = MainTest.MODEL;

	private static MainTest.Run run(final String... args) {
		return MainTest.run(args);
	}

	private static PngIO.Decoded png(final Path file) throws Exception {
		try (InputStream in = Files.newInputStream(file)) {
			return PngIO.decode(in);
		}
	}

	private static Path source(final Path dir) {
		final Path a = dir.resolve("a.png");
		assertEquals(Main.OK, run("generate", "--prompt", "a large red circle on a blue background", "--seed", "3",
			"--steps", "4", "--model", MODEL, "--out", a.toString(), "--quiet", "true").code());
		return a;
	}

	@Test
	void interpolateWritesOneFilePerFrameWithWeightsAndOneSeed(@TempDir final Path dir) throws Exception {
		final Path a = source(dir);
		final MainTest.Run r = run("interpolate", "--image", a.toString(), "--to-prompt",
			"a large green square on a yellow background", "--frames", "3", "--seed", "9", "--steps", "4", "--model",
			MODEL, "--out", dir.resolve("f.png").toString());
		assertEquals(Main.OK, r.code(), r.err());
		assertEquals(3, r.out().lines().count(), r.out());
		final String[] weights = { "0.0", "0.5", "1.0" };
		for (int i = 1; i <= 3; i++) {
			final PngIO.Decoded png = png(dir.resolve("f-" + i + ".png"));
			assertEquals(32, png.image().dimension(0));
			assertEquals("interpolation", png.text().get("unclip.mode"));
			assertEquals("9", png.text().get("unclip.image.seed"));
			assertEquals(weights[i - 1], png.text().get("unclip.weight"));
			assertEquals("0.0,0.5,1.0", png.text().get("unclip.weights"));
			assertEquals("image", png.text().get("unclip.from"));
			assertEquals("a large green square on a yellow background", png.text().get("unclip.to"));
			assertEquals("shapes-tiny", png.text().get("unclip.model"));
		}
		final MainTest.Run toImage = run("interpolate", "--image", a.toString(), "--to-image", dir.resolve("f-3.png")
			.toString(), "--frames", "2", "--steps", "4", "--model", MODEL, "--out", dir.resolve("g.png").toString());
		assertEquals(Main.OK, toImage.code(), toImage.err());
		assertEquals("image", png(dir.resolve("g-2.png")).text().get("unclip.to"));
	}

	@Test
	void textdiffWritesTheEditWithAmountAndPrompts(@TempDir final Path dir) throws Exception {
		final Path a = source(dir);
		final Path out = dir.resolve("t.png");
		final MainTest.Run r = run("textdiff", "--image", a.toString(), "--from-prompt", "a red circle",
			"--to-prompt", "a yellow circle", "--amount", "0.3", "--steps", "4", "--model", MODEL, "--out", out
				.toString());
		assertEquals(Main.OK, r.code(), r.err());
		final PngIO.Decoded png = png(out);
		assertEquals("textdiff", png.text().get("unclip.mode"));
		assertEquals("a red circle", png.text().get("unclip.from_prompt"));
		assertEquals("a yellow circle", png.text().get("unclip.to_prompt"));
		assertEquals("0.3", png.text().get("unclip.amount"));
		assertEquals("true", png.text().get("unclip.invert"));
	}

	@ParameterizedTest
	@CsvSource({ "karlo, 32", "kandinsky22, 64" })
	void interpolateRunsARealKindWhichRefusesTextDiffs(final String kind, final int side, @TempDir final Path dir)
		throws Exception
	{
		final String bundle = (kind.equals("karlo") ? KarloParityTest.ROOT.resolve("bundle")
			: sc.fiji.unclip.engine.kandinsky22.Kandinsky22Fixture.BUNDLE).toString();
		final Path a = dir.resolve("a.png");
		assertEquals(Main.OK, run("generate", "--prompt", "a red cat", "--seed", "3", "--steps", "2", "--model",
			bundle, "--out", a.toString(), "--quiet", "true").code());
		final MainTest.Run r = run("interpolate", "--image", a.toString(), "--to-prompt", "a lighthouse",
			"--frames", "3", "--seed", "9", "--steps", "2", "--model", bundle, "--out", dir.resolve("f.png")
				.toString());
		assertEquals(Main.OK, r.code(), r.err());
		for (int i = 1; i <= 3; i++) {
			final PngIO.Decoded png = png(dir.resolve("f-" + i + ".png"));
			assertEquals(side, png.image().dimension(0));
			assertEquals("interpolation", png.text().get("unclip.mode"));
			assertEquals(kind, png.text().get("unclip.model.kind"));
		}
		final MainTest.Run diff = run("textdiff", "--image", a.toString(), "--from-prompt", "a cat", "--to-prompt",
			"a dog", "--invert", "false", "--steps", "2", "--model", bundle, "--out", dir.resolve("t.png")
				.toString());
		assertEquals(Main.FAILED, diff.code());
		assertTrue(diff.err().contains("Text diffs are not available for models of kind " + kind), diff.err());
	}

	@Test
	void badCommandLinesSayWhatIsWrong(@TempDir final Path dir) throws Exception {
		final Path a = source(dir);
		final String out = dir.resolve("x.png").toString();
		assertUsage(run("interpolate", "--image", a.toString(), "--out", out), "exactly one target");
		assertUsage(run("interpolate", "--image", a.toString(), "--to-prompt", "b", "--to-image", a.toString(),
			"--out", out), "exactly one target");
		assertUsage(run("interpolate", "--image", a.toString(), "--to-prompt", "b", "--frames", "1", "--out", out),
			"--frames must be 2 to 16");
		assertUsage(run("interpolate", "--image", a.toString(), "--to-prompt", "b", "--n", "2", "--out", out),
			"use --frames instead of --n");
		assertUsage(run("textdiff", "--image", a.toString(), "--to-prompt", "b", "--out", out),
			"textdiff needs --from-prompt");
		assertUsage(run("textdiff", "--image", a.toString(), "--from-prompt", "a", "--to-prompt", "b", "--invert",
			"maybe", "--out", out), "--invert must be true or false");
		final MainTest.Run amount = run("textdiff", "--image", a.toString(), "--from-prompt", "a red circle",
			"--to-prompt", "a blue circle", "--amount", "0.8", "--model", MODEL, "--out", out);
		assertEquals(Main.FAILED, amount.code());
		assertTrue(amount.err().contains("Amount 0.8 is outside [0, 0.5]"), amount.err());
		final MainTest.Run missing = run("interpolate", "--image", dir.resolve("none.png").toString(),
			"--to-prompt", "b", "--model", MODEL, "--out", out);
		assertEquals(Main.FAILED, missing.code());
		assertTrue(missing.err().contains("--image file") && missing.err().contains("does not exist"), missing
			.err());
		assertFalse(Files.exists(Path.of(out)));
		final MainTest.Run help = run("textdiff", "--help");
		assertEquals(Main.OK, help.code());
		assertTrue(help.out().startsWith("usage: java -jar unclip.jar textdiff --image A.png"), help.out());
	}

	private static void assertUsage(final MainTest.Run r, final String reason) {
		assertEquals(Main.USAGE, r.code(), r.err());
		assertTrue(r.err().contains(reason), r.err());
		assertEquals(1, r.err().lines().count(), r.err());
	}
}
