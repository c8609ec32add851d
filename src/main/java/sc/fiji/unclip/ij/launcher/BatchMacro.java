package sc.fiji.unclip.ij.launcher;

import ij.Macro;
import ij.macro.Interpreter;
import ij.plugin.frame.Editor;

import java.awt.HeadlessException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs a macro file the way {@code ImageJ -batch file.ijm [arg]} does, but tells whether it failed and why.
 * ImageJ 1.x exits with status 0 whatever happened and, without a display, prints a
 * {@code HeadlessException} where its "Macro Error" dialog would open; here the macro's own error message
 * and line are kept for the launcher to print and to exit with.
 */
public final class BatchMacro {

	/** How a macro ended: {@code error} is null on success. */
	public record Result(String returned, String error, int line) {

		public boolean failed() {
			return error != null;
		}

		/** "file.ijm, line 3: message", the one line the launcher prints on stderr. */
		public String describe(final String source) {
			return source + (line > 0 ? ", line " + line : "") + ": " + error;
		}
	}

	private BatchMacro() {}

	public static Result runFile(final Path file, final String arg) throws IOException {
		final String text = Files.readString(file, StandardCharsets.UTF_8);
		return run(text.contains("#include") ? Editor.doInclude(text) : text, arg);
	}

	/** Runs macro code on the calling thread. */
	public static Result run(final String macro, final String arg) {
		LegacyCommandBridge.clearLastFailure();
		final Interpreter interp = new Interpreter();
		String returned = null;
		Throwable thrown = null;
		try {
			returned = interp.run(macro, arg);
		}
		catch (final Throwable t) { // the failed error dialog (headless) or an abort
			thrown = t;
		}
		// a command's failure is the reason: a loop around it goes on parsing after the abort, and its parse
		// errors ("';' expected") would replace the interpreter's message
		if (LegacyCommandBridge.lastFailure() != null) return new Result(null, LegacyCommandBridge.lastFailure(),
			LegacyCommandBridge.lastFailureLine() > 0 ? LegacyCommandBridge.lastFailureLine() : errorLine(interp));
		if (interp.wasError()) return new Result(null, interp.getErrorMessage() != null ? interp
			.getErrorMessage() : "the macro failed", errorLine(interp));
		if (thrown != null && !Macro.MACRO_CANCELED.equals(thrown.getMessage())) return new Result(null,
			"internal error: " + thrown, errorLine(interp));
		return new Result(returned, null, 0);
	}

	/**
	 * {@code out} without the stack traces of the "Macro Error" dialog ImageJ 1.x tries to open without a
	 * display (it logs them to stdout); the error itself is reported by {@link Result#describe}. Other
	 * headless failures (an ImageJ command that needs a dialog window) stay visible.
	 */
	public static PrintStream withoutDialogTraces(final PrintStream out) {
		return new PrintStream(out, true) {

			@Override
			public void println(final String x) {
				if (x != null && x.startsWith(HeadlessException.class.getName()) && x.contains(
					"ij.macro.Interpreter.showError")) return;
				super.println(x);
			}
		};
	}

	/**
	 * The line of the macro's error. ImageJ keeps it only in a package-private field (its error dialog shows
	 * it); the public {@code getLineNumber()} has already moved on to the next line by then.
	 */
	static int errorLine(final Interpreter interp) {
		try {
			final java.lang.reflect.Field field = Interpreter.class.getDeclaredField("lineNumber");
			field.setAccessible(true);
			final int line = field.getInt(interp);
			if (line > 0) return line;
		}
		catch (final ReflectiveOperationException | RuntimeException e) {
			// another ImageJ version: fall back to the public (approximate) line
		}
		try {
			return interp.getLineNumber();
		}
		catch (final RuntimeException e) {
			return 0;
		}
	}
}
