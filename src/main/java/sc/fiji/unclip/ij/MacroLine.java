package sc.fiji.unclip.ij;

import java.util.Map;

/**
 * The {@code run("Command...", "key=value ...")} line ImageJ's recorder writes for a command, kept in a
 * result's info so the user can reproduce it by pasting it into a macro. Every key is written, so that the
 * line never opens a dialog; numbers as ImageJ's dialogs record them ({@code guidance=0}, {@code strength=0.75}).
 */
public final class MacroLine {

	private MacroLine() {}

	public static String of(final String command, final Map<String, ?> options) {
		final StringBuilder sb = new StringBuilder();
		options.forEach((key, value) -> {
			final String text = text(value);
			sb.append(sb.length() == 0 ? "" : " ").append(key).append('=');
			sb.append(text.isEmpty() || text.contains(" ") || text.contains("]") ? "[" + text + "]" : text);
		});
		return "run(\"" + command + "\", \"" + sb.toString().replace("\\", "\\\\").replace("\"", "\\\"") +
			"\");";
	}

	/** A value as a macro key's text: whole numbers without a decimal point. */
	static String text(final Object value) {
		if ((value instanceof Double || value instanceof Float) && Double.isFinite(((Number) value)
			.doubleValue()))
		{
			final double d = ((Number) value).doubleValue();
			if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
			return new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
		}
		return String.valueOf(value);
	}
}
