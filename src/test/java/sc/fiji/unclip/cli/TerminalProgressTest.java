package sc.fiji.unclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The progress line estimates the time a stage still needs from the pace of its steps. */
class TerminalProgressTest {

	@Test
	void timeLeftFollowsThePaceOfTheStage() {
		final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		final AtomicLong now = new AtomicLong();
		final TerminalProgress progress = new TerminalProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8),
			now::get);
		progress.progress("decoder", 1, 100);
		now.addAndGet(13_000_000_000L);
		progress.progress("decoder", 2, 100);
		final String text = bytes.toString(StandardCharsets.UTF_8);
		assertTrue(text.endsWith("2/100  about 21 min 14 s left"), text);
		progress.progress("decoder", 100, 100);
		assertFalse(bytes.toString(StandardCharsets.UTF_8).endsWith("left"));
		progress.progress("movq", 1, 1);
		assertTrue(bytes.toString(StandardCharsets.UTF_8).endsWith("1/1" + System.lineSeparator()));
		assertEquals("59 s", TerminalProgress.duration(59.4));
	}
}
