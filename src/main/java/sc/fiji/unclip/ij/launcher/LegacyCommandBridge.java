package sc.fiji.unclip.ij.launcher;

import ij.IJ;
import ij.Macro;
import ij.macro.Interpreter;
import ij.plugin.PlugIn;
import ij.plugin.frame.Recorder;

import java.awt.GraphicsEnvironment;

import org.scijava.Context;
import org.scijava.ItemVisibility;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.convert.ConvertService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;

import sc.fiji.unclip.UnclipException;

/**
 * The ImageJ 1.x plugin behind each unCLIP menu entry of the launcher ({@code arg} = the SciJava command's
 * class name): runs the command with the macro's options or a dialog, records the inputs it ran with for
 * ImageJ's macro recorder as imagej-legacy does (unless the command is {@code no-record}), and reports a failure as ImageJ does: a dialog in the
 * GUI, an aborted macro (the reason on stderr and a non-zero exit in {@code -batch} mode).
 */
public class LegacyCommandBridge implements PlugIn {

	/** The attribute of a command that records itself, which imagej-legacy's recorder then leaves alone. */
	static final String NO_RECORD = "no-record";

	private static volatile String lastFailure;
	private static volatile int lastFailureLine;

	@Override
	public void run(final String arg) {
		final Context context = LauncherContext.get();
		final CommandInfo info = context.getService(CommandService.class).getCommand(arg);
		if (info == null) {
			fail("There is no command " + arg + " in this installation.");
			return;
		}
		final String command = CommandMenus.label(info);
		// Macro.getOptions() is null both outside macros and for run("Command...") without options: ImageJ
		// shows the dialog then, as Fiji does
		final String options = Macro.getOptions();
		final boolean dialog = options == null && !GraphicsEnvironment.isHeadless();
		final CommandRun run = new CommandRun(context, info, command);
		final CommandRun.Outcome outcome;
		LauncherContext.runStarted();
		try {
			outcome = run.run(options, dialog);
		}
		catch (final UnclipException e) {
			fail(e.getMessage());
			return;
		}
		catch (final RuntimeException e) {
			final UnclipException user = userError(e);
			if (user != null) fail(user.getMessage());
			else {
				IJ.log("unCLIP: " + command + " failed:\n" + stackTrace(e));
				fail(command + " failed: " + e + " (details in the Log window)");
			}
			return;
		}
		finally {
			LauncherContext.runEnded();
			IJ.showProgress(1.0);
			IJ.showStatus("");
		}
		if (outcome.canceled()) {
			if (outcome.cancelReason().isEmpty()) cancelQuietly(); // the user closed the dialog
			else if (IJ.escapePressed()) {
				IJ.showStatus(outcome.cancelReason());
				cancelQuietly();
			}
			else fail(outcome.cancelReason());
			return;
		}
		// new images are on show already: the command showed them, or LegacyDisplays did as Fiji's GUI does
		if (!info.is(NO_RECORD)) record(outcome.module(), run.inputs(), context);
	}

	/** The last failure message of a run on this JVM (for {@code -batch} reports and tests). */
	public static String lastFailure() {
		return lastFailure;
	}

	/** The macro line of that failure, or 0 outside a macro. */
	public static int lastFailureLine() {
		return lastFailureLine;
	}

	static void clearLastFailure() {
		lastFailure = null;
		lastFailureLine = 0;
	}

	/**
	 * Adds the inputs the command ran with to the line ImageJ's recorder is writing for this command, as
	 * imagej-legacy does: keys = parameter names, values after the run (so the seed a command picked is the
	 * one recorded), without the current image, services and passwords.
	 */
	private static void record(final Module module, final CommandInputs inputs, final Context context) {
		if (!Recorder.record || Recorder.getCommand() == null) return;
		final ConvertService convert = context.getService(ConvertService.class);
		for (final ModuleItem<?> item : inputs.userInputs()) {
			if (item.getVisibility() == ItemVisibility.INVISIBLE || item.getVisibility() == ItemVisibility.MESSAGE)
				continue;
			if (CommandInputs.isPassword(item)) continue;
			final Object value = module.getInput(item.getName());
			if (value == null) continue;
			final String text = value instanceof String ? (String) value : convert.convert(value, String.class);
			Recorder.recordOption(item.getName(), text == null ? value.toString() : text);
		}
	}

	private static void cancelQuietly() {
		if (Recorder.record) Recorder.setCommand(null);
		if (Interpreter.getInstance() != null || IJ.isMacro()) {
			Macro.abort();
			Interpreter.abort();
			throw new RuntimeException(Macro.MACRO_CANCELED);
		}
	}

	/**
	 * Reports a user's mistake: a dialog in the GUI (a running macro stops with ImageJ's error dialog, which
	 * names the line); in a headless macro the macro is aborted with the message as its error, which
	 * {@link BatchMacro} prints.
	 */
	private static void fail(final String message) {
		final Interpreter interp = Interpreter.getInstance();
		lastFailure = message;
		lastFailureLine = interp == null ? 0 : BatchMacro.errorLine(interp);
		if (Recorder.record) Recorder.setCommand(null);
		if (GraphicsEnvironment.isHeadless()) {
			if (interp == null) {
				System.err.println("unCLIP: " + message);
				return;
			}
			try {
				// sets the interpreter's error state (message, line) and stops it; its error dialog cannot open
				interp.abort(message);
			}
			catch (final RuntimeException e) {
				// expected: ImageJ 1.x tries to show "Macro Error" after recording the error
			}
			throw new RuntimeException(Macro.MACRO_CANCELED);
		}
		if (interp == null) {
			IJ.error("unCLIP", message);
			return;
		}
		// ImageJ's "Macro Error" dialog names the message and the line; the macro stops there (a loop too)
		interp.abort(message);
		throw new RuntimeException(Macro.MACRO_CANCELED);
	}

	private static UnclipException userError(final Throwable e) {
		for (Throwable t = e; t != null; t = t.getCause())
			if (t instanceof UnclipException) return (UnclipException) t;
		return null;
	}

	private static String stackTrace(final Throwable e) {
		final java.io.StringWriter w = new java.io.StringWriter();
		e.printStackTrace(new java.io.PrintWriter(w));
		return w.toString();
	}
}
