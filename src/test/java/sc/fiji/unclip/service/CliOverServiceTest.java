package sc.fiji.unclip.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.cli.Main;
import sc.fiji.unclip.engine.io.PngIO;

/** {@code generate --server URL} writes the same pixels and provenance as the embedded engine. */
class CliOverServiceTest {

	@Test
	void generateWithServerEqualsTheEmbeddedEngine(@TempDir final Path dir) throws Exception {
		try (ServiceFixture fixture = new ServiceFixture(ServiceFixture.config(), RealEngine.get())) {
			final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
			final int code = Main.run(new String[] { "generate", "--server", fixture.base.toString(),
				"--prompt", "a red circle", "--seed", "13", "--steps", "3", "--out", dir.resolve("remote.png")
					.toString() }, new PrintStream(out), new PrintStream(err));
			assertEquals(Main.OK, code, err.toString(StandardCharsets.UTF_8));
			final PngIO.Decoded written;
			try (InputStream in = Files.newInputStream(dir.resolve("remote.png"))) {
				written = PngIO.decode(in);
			}
			final GenerationResult expected = RealEngine.get().textToImage(new TextToImageRequest(
				"a red circle", 1, 13, new SamplingOptions(3, null, null)), ProgressListener.NONE,
				new Cancellation());
			assertArrayEquals(ServiceEngineTest.pixels(expected.images().get(0)), ServiceEngineTest.pixels(
				written.image()));
			assertEquals("13", written.text().get("unclip.seed"));
			assertEquals(RealEngine.get().model().sha256(), written.text().get("unclip.model.sha256"));
			assertEquals("tiny", written.text().get("unclip.model.kind"), "the kind the service reported");
		}
		final ByteArrayOutputStream err = new ByteArrayOutputStream();
		assertEquals(Main.FAILED, Main.run(new String[] { "generate", "--server", "http://127.0.0.1:1",
			"--prompt", "x", "--out", dir.resolve("x.png").toString() }, new PrintStream(
				new ByteArrayOutputStream()), new PrintStream(err)));
		assertTrue(err.toString(StandardCharsets.UTF_8).contains("Cannot reach the unCLIP server"), err
			.toString(StandardCharsets.UTF_8));
	}
}
