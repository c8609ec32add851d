package sc.fiji.unclip.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

import sc.fiji.unclip.UnclipException;

/**
 * Starts DJL's PyTorch engine. With {@code PYTORCH_LIBRARY_PATH} DJL uses an existing libtorch instead of
 * the bundled one (the GPU route, README "GPU"); when that libtorch cannot load, or its version or flavour
 * does not match a JNI library DJL has, DJL throws an {@code EngineException} that says little to a user:
 * this turns it into a message naming the variables to set.
 */
public final class Libtorch {

	public static final String LIBRARY_PATH = "PYTORCH_LIBRARY_PATH", VERSION = "PYTORCH_VERSION",
		FLAVOR = "PYTORCH_FLAVOR";

	/** The libtorch version this engine is built and tested with. */
	public static final String TESTED_VERSION = "2.7.1";

	/** Threads that have had their libtorch count checked ({@link #useProcessThreads()}). */
	private static final ThreadLocal<Boolean> COUNTED = ThreadLocal.withInitial(() -> false);

	private Libtorch() {}

	/**
	 * Gives the calling thread the process's libtorch thread count ({@link TorchSettings#threads()}), once per
	 * thread. libtorch gives a thread its count at its first kernel, from a process-wide default that
	 * setting any thread's count changes; a guided stage lowers its own thread's count while it runs
	 * ({@link GuidanceHalves}), so a thread that started meanwhile would otherwise keep the lowered count.
	 */
	static void useProcessThreads() {
		if (COUNTED.get()) return;
		COUNTED.set(true);
		final int threads = TorchSettings.threads();
		if (JniUtils.getNumThreads() != threads) JniUtils.setNumThreads(threads);
	}

	/** The engine, started on first use. */
	public static Engine start() {
		TorchSettings.applyWaitPolicy();
		try {
			return Engine.getEngine("PyTorch");
		}
		catch (final RuntimeException | UnsatisfiedLinkError e) {
			throw new UnclipException(message(e), e);
		}
	}

	/**
	 * Starts the engine on a daemon thread and returns at once, so that loading libtorch (most of a cold
	 * start) overlaps with checking a bundle's hashes; {@link #start()} then waits for it and reports its
	 * failure. Call only after {@link Offline#enforce()} and {@link TorchSettings#apply()}.
	 */
	static void startInBackground() {
		final Thread thread = new Thread(() -> {
			try {
				start();
			}
			catch (final RuntimeException | LinkageError e) {
				// start() on the caller's thread reports it
			}
		}, "unclip-libtorch-start");
		thread.setDaemon(true);
		thread.start();
	}

	static String message(final Throwable e) {
		final String path = setting(LIBRARY_PATH);
		final String cause = rootCause(e);
		if (path == null) return "libtorch could not be started (" + cause + "). The bundled CPU libtorch " +
			TESTED_VERSION + " should load on Linux, macOS and Windows (x86-64, arm64); to use another one set " +
			LIBRARY_PATH + " to its lib folder with " + VERSION + "=" + TESTED_VERSION + " and " + FLAVOR +
			"=cpu or cu128 (README \"GPU\").";
		return "libtorch at " + LIBRARY_PATH + "=" + path + " could not be used (" + cause + "; " + VERSION + "=" +
			setting(VERSION) + ", " + FLAVOR + "=" + setting(FLAVOR) + "). Point " + LIBRARY_PATH +
			" at the lib folder of a torch " + TESTED_VERSION + " install (e.g. site-packages/torch/lib of the pip " +
			"wheel torch==" + TESTED_VERSION + ") and set " + VERSION + "=" + TESTED_VERSION + " and " + FLAVOR +
			"=cpu for a CPU build or " + FLAVOR + "=cu128 for the CUDA 12.8 build on a machine with an NVIDIA " +
			"driver; or unset " + LIBRARY_PATH + " to use the bundled CPU libtorch (README \"GPU\").";
	}

	private static String setting(final String name) {
		final String env = System.getenv(name);
		return env != null ? env : System.getProperty(name);
	}

	private static String rootCause(final Throwable e) {
		Throwable t = e;
		while (t.getCause() != null && t.getCause() != t)
			t = t.getCause();
		final String what = t == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + t.getMessage();
		return what.length() > 300 ? what.substring(0, 300) + "..." : what;
	}
}
