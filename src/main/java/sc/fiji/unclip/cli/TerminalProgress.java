package sc.fiji.unclip.cli;

import java.io.PrintStream;
import java.util.function.LongSupplier;

import sc.fiji.unclip.ProgressListener;

/**
 * A one-line progress bar per sampling stage on stderr (redrawn with carriage returns), with the time the
 * stage still needs at the pace of its steps so far (large models take minutes per stage on a CPU).
 */
final class TerminalProgress implements ProgressListener {

	private static final int WIDTH = 30;
	private final PrintStream out;
	private final LongSupplier clock;
	private String stage;
	private long stageStart;

	TerminalProgress(final PrintStream out) {
		this(out, System::nanoTime);
	}

	TerminalProgress(final PrintStream out, final LongSupplier nanoClock) {
		this.out = out;
		clock = nanoClock;
	}

	@Override
	public synchronized void progress(final String stage, final int step, final int total) {
		final long now = clock.getAsLong();
		if (!stage.equals(this.stage) || step <= 1) {
			this.stage = stage;
			// the first step's own time is unknown: the pace counts from its end
			stageStart = now;
		}
		final int filled = total == 0 ? WIDTH : step * WIDTH / total;
		final StringBuilder line = new StringBuilder("\r").append(String.format("%-10s", stage)).append(" [")
			.append("#".repeat(filled)).append(" ".repeat(WIDTH - filled)).append("] ").append(step).append('/')
			.append(total);
		if (step > 1 && step < total) {
			final double perStep = (now - stageStart) / 1e9 / (step - 1);
			line.append(String.format(java.util.Locale.ROOT, "  about %s left", duration(perStep * (total - step))));
		}
		out.print(line);
		if (step == total) out.println();
		out.flush();
	}

	static String duration(final double seconds) {
		final long s = Math.round(seconds);
		return s < 60 ? s + " s" : s / 60 + " min " + s % 60 + " s";
	}
}
