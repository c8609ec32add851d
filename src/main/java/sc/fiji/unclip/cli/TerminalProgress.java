package sc.fiji.unclip.cli;

import java.io.PrintStream;

import sc.fiji.unclip.ProgressListener;

/** A one-line progress bar per sampling stage on stderr (redrawn with carriage returns). */
final class TerminalProgress implements ProgressListener {

	private static final int WIDTH = 30;
	private final PrintStream out;

	TerminalProgress(final PrintStream out) {
		this.out = out;
	}

	@Override
	public synchronized void progress(final String stage, final int step, final int total) {
		final int filled = total == 0 ? WIDTH : step * WIDTH / total;
		out.print("\r" + String.format("%-10s", stage) + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) +
			"] " + step + "/" + total);
		if (step == total) out.println();
		out.flush();
	}
}
