package sc.fiji.unclip.service;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.unclip.UnclipException;

/** {@code serve}'s arguments: refused with a message that says what to do, before any model loads. */
class ServeCommandTest {

	@Test
	void listeningBeyondLoopbackWithoutAKeyIsRefused() {
		Assumptions.assumeTrue(System.getenv("UNCLIP_API_KEY") == null, "a key is set in the environment");
		final UnclipException e = assertThrows(UnclipException.class, () -> ServeCommand.run(new String[] {
			"--host", "0.0.0.0", "--port", "0" }));
		assertTrue(e.getMessage().contains("needs an API key") && e.getMessage().contains(
			"--api-key-file"), e.getMessage());
	}

	@Test
	void badArgumentsAreNamed(@TempDir final Path dir) throws Exception {
		assertTrue(assertThrows(UnclipException.class, () -> ServeCommand.run(new String[] { "--port",
			"eighty" })).getMessage().contains("--port must be an integer"));
		assertTrue(assertThrows(UnclipException.class, () -> ServeCommand.run(new String[] { "--colour",
			"red" })).getMessage().contains("Unknown option --colour"));
		assertTrue(assertThrows(UnclipException.class, () -> ServeCommand.run(new String[] { "--port" }))
			.getMessage().contains("--port needs a value"));
		final Path empty = Files.createFile(dir.resolve("key"));
		assertTrue(assertThrows(UnclipException.class, () -> ServeCommand.run(new String[] {
			"--api-key-file", empty.toString() })).getMessage().contains("is empty"));
		assertTrue(assertThrows(UnclipException.class, () -> ServeCommand.run(new String[] {
			"--api-key-file", dir.resolve("missing").toString() })).getMessage().contains(
				"Cannot read the API key file"));
	}
}
