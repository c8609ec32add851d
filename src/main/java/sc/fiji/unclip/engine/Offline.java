package sc.fiji.unclip.engine;

/**
 * Keeps DJL off the network: DJL downloads native libraries and sends usage pings unless told otherwise,
 * and a microscope workstation must not do either behind the user's back. Call {@link #enforce()} before
 * anything touches DJL's {@code Engine} class.
 */
public final class Offline {

	/** System property that lets DJL download (e.g. a CUDA build of libtorch); see README "No network". */
	public static final String ALLOW_PROPERTY = "unclip.allowDownloads";

	/** Environment variable with the same meaning as {@link #ALLOW_PROPERTY} (value 1 or true). */
	public static final String ALLOW_ENV = "UNCLIP_ALLOW_DOWNLOADS";

	private Offline() {}

	/** Sets {@code ai.djl.offline=true} and {@code OPT_OUT_TRACKING=true} unless the user opted in to downloads. */
	public static void enforce() {
		System.setProperty("OPT_OUT_TRACKING", "true");
		if (downloadsAllowed()) return;
		System.setProperty("ai.djl.offline", "true");
	}

	/** Whether the user explicitly allowed DJL to download. */
	public static boolean downloadsAllowed() {
		if (Boolean.getBoolean(ALLOW_PROPERTY)) return true;
		final String env = System.getenv(ALLOW_ENV);
		return env != null && (env.equals("1") || env.equalsIgnoreCase("true"));
	}
}
