package sc.fiji.unclip.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} options of one command, checked against the names the command knows. */
final class Arguments {

	/** Bad command line: exit code 2 and a one-line reason. */
	static final class UsageException extends RuntimeException {

		UsageException(final String message) {
			super(message);
		}
	}

	private final String command;
	private final Map<String, String> values = new LinkedHashMap<>();

	Arguments(final String command, final String[] args, final int from, final Set<String> known) {
		this.command = command;
		for (int i = from; i < args.length; i++) {
			final String a = args[i];
			if (!a.startsWith("--")) throw new UsageException("unexpected argument '" + a + "' for " + command +
				" (options start with --)");
			final String name = a.substring(2);
			if (!known.contains(name)) throw new UsageException("unknown option --" + name + " for " + command +
				"; it takes --" + String.join(", --", known));
			if (i + 1 >= args.length) throw new UsageException("--" + name + " needs a value");
			if (values.containsKey(name)) throw new UsageException("--" + name + " is given twice (" + values.get(
				name) + ", " + args[i + 1] + "); give it once");
			values.put(name, args[++i]);
		}
	}

	String required(final String name) {
		final String v = values.get(name);
		if (v == null || v.isEmpty()) throw new UsageException(command + " needs --" + name);
		return v;
	}

	String optional(final String name) {
		return values.get(name);
	}

	Integer integer(final String name) {
		final String v = values.get(name);
		if (v == null) return null;
		try {
			return Integer.valueOf(v.trim());
		}
		catch (final NumberFormatException e) {
			throw new UsageException("--" + name + " must be a whole number, not '" + v + "'");
		}
	}

	Long longValue(final String name) {
		final String v = values.get(name);
		if (v == null) return null;
		try {
			return Long.valueOf(v.trim());
		}
		catch (final NumberFormatException e) {
			throw new UsageException("--" + name + " must be a whole number from " + Long.MIN_VALUE + " to " +
				Long.MAX_VALUE + " (64-bit), not '" + v + "'");
		}
	}

	Double decimal(final String name) {
		final String v = values.get(name);
		if (v == null) return null;
		try {
			return Double.valueOf(v.trim());
		}
		catch (final NumberFormatException e) {
			throw new UsageException("--" + name + " must be a number, not '" + v + "'");
		}
	}

	/** {@code true}/{@code false} (also yes/no, on/off), or null when not given. */
	Boolean bool(final String name) {
		final String v = values.get(name);
		if (v == null) return null;
		return switch (v.trim().toLowerCase()) {
			case "true", "yes", "on" -> true;
			case "false", "no", "off" -> false;
			default -> throw new UsageException("--" + name + " must be true or false, not '" + v + "'");
		};
	}
}
