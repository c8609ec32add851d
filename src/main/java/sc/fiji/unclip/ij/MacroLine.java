package sc.fiji.unclip.ij;

import java.util.Map;

/**
 * The {@code run("Command...", "key=value ...")} line ImageJ's recorder writes for a command, kept in a
 * result's info so the user can reproduce it by pasting it into a macro.
 */
public final class MacroLine {

	private MacroLine() {}

	public static String of(final String command, final Map<String, ?> options) {
		final StringBuilder sb = new StringBuilder();
		options.forEach((key, value) -> {
			final String text = String.valueOf(value);
			sb.append(sb.length() == 0 ? "" : " ").append(key).append('=');
			sb.append(text.isEmpty() || text.contains(" ") || text.contains("]") ? "[" + text + "]" : text);
		});
		return "run(\"" + command + "\", \"" + sb.toString().replace("\\", "\\\\").replace("\"", "\\\"") +
			"\");";
	}
}
