package sc.fiji.unclip.ij;

import ij.IJ;
import ij.plugin.frame.Recorder;

import java.util.Map;

/**
 * Records a command's full line, every key with the value it ran with, whichever way it was started: from
 * the menu (ImageJ 1.x is recording the command then; the options are added to its line), or from a script
 * or {@code CommandService} (the whole line is recorded). Runs inside macros are not recorded, as in ImageJ.
 * The commands opt out of imagej-legacy's own recording ({@code no-record}), which leaves out inputs that code
 * supplied and writes {@code 0.0} for a whole number.
 */
final class MacroRecording {

	/** The attribute imagej-legacy's recorder and the project's launcher honour. */
	static final String NO_RECORD = "no-record";

	private MacroRecording() {}

	static void record(final String command, final Map<String, ?> options) {
		if (!Recorder.record || IJ.isMacro()) return;
		final String recording = Recorder.getCommand();
		if (recording != null && !recording.equals(command)) return; // part of another command's run
		if (recording == null) Recorder.setCommand(command);
		options.forEach((key, value) -> Recorder.recordOption(key, MacroLine.text(value)));
		if (recording == null) Recorder.saveCommand();
	}
}
