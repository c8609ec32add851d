package sc.fiji.unclip.cli;

/**
 * Levels for the SLF4J provider the command line ships (slf4j-simple), set before anything logs: the
 * libraries' chatter (DJL's engine notes) only from warnings up, so a plain {@code generate} prints its progress
 * and the file name and nothing else; the project's own loggers (the service's one line per request) at info,
 * on stderr with a timestamp. Each key stays as the user set it with {@code -D}.
 */
final class LogSettings {

	private static final String PREFIX = "org.slf4j.simpleLogger.";

	private LogSettings() {}

	static void apply() {
		setIfAbsent("defaultLogLevel", "warn");
		setIfAbsent("log.sc.fiji.unclip", "info");
		setIfAbsent("showDateTime", "true");
		setIfAbsent("dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
		setIfAbsent("showThreadName", "false");
	}

	private static void setIfAbsent(final String key, final String value) {
		if (System.getProperty(PREFIX + key) == null) System.setProperty(PREFIX + key, value);
	}
}
