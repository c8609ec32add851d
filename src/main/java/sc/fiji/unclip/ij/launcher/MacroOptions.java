package sc.fiji.unclip.ij.launcher;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The options string of a macro's {@code run("Command...", "key=value key2=[two words] flag")}, read the way
 * ImageJ 1.x's {@code Macro.getValue} reads it: values in {@code [...]} (nested brackets counted) or
 * {@code '...'} may hold spaces, a key without {@code =} is a checked checkbox, the first of two equal keys
 * wins. Unlike {@code Macro.getValue} it lists every key, so that a misspelt key is reported rather than
 * silently ignored.
 */
public final class MacroOptions {

	/** A key given without a value, ImageJ 1.x's way of saying "checkbox on". */
	public static final String FLAG = "\u0000flag";

	private final Map<String, String> values;

	private MacroOptions(final Map<String, String> values) {
		this.values = Collections.unmodifiableMap(values);
	}

	/** Keys (lower case, as ImageJ's recorder writes them) to values, in the order given. */
	public Map<String, String> values() {
		return values;
	}

	public static MacroOptions parse(final String options) {
		final Map<String, String> values = new LinkedHashMap<>();
		final String s = options == null ? "" : options;
		int i = 0;
		final int len = s.length();
		while (i < len) {
			while (i < len && s.charAt(i) == ' ')
				i++;
			if (i >= len) break;
			final int keyStart = i;
			while (i < len && s.charAt(i) != '=' && s.charAt(i) != ' ')
				i++;
			final String key = s.substring(keyStart, i).toLowerCase(Locale.US);
			if (i >= len || s.charAt(i) == ' ') {
				values.putIfAbsent(key, FLAG);
				continue;
			}
			i++; // '='
			final String value;
			if (i < len && s.charAt(i) == '[') {
				int depth = 1, j = i + 1;
				while (j < len && depth > 0) {
					if (s.charAt(j) == '[') depth++;
					else if (s.charAt(j) == ']') depth--;
					j++;
				}
				if (depth != 0) throw new IllegalArgumentException("the value of '" + key +
					"' opens a '[' that is never closed");
				value = s.substring(i + 1, j - 1);
				i = j;
			}
			else if (i < len && s.charAt(i) == '\'') {
				final int end = s.indexOf('\'', i + 1);
				if (end < 0) throw new IllegalArgumentException("the value of '" + key +
					"' opens a quote (') that is never closed");
				value = s.substring(i + 1, end);
				i = end + 1;
			}
			else {
				int j = i;
				while (j < len && s.charAt(j) != ' ')
					j++;
				value = s.substring(i, j);
				i = j;
			}
			values.putIfAbsent(key, value);
		}
		return new MacroOptions(values);
	}
}
