package sc.fiji.unclip.engine;

/**
 * libtorch settings chosen for small diffusion networks called many times, applied before DJL's engine
 * loads unless the user set DJL's own properties: one intra-op and one inter-op thread (measured on a
 * loaded 2-core machine: 0.14-0.35 s per image with one thread, 0.6-40 s with two, because OpenMP threads
 * spin against other processes; see README "Performance") and TorchScript's graph optimizer off (its
 * profiling runs only cost time at a few dozen calls per image). {@code -Dunclip.threads=N} raises the
 * thread count for large bundles; {@code auto} leaves libtorch's own choice.
 */
public final class TorchSettings {

	public static final String THREADS_PROPERTY = "unclip.threads";

	private TorchSettings() {}

	public static void apply() {
		final String threads = System.getProperty(THREADS_PROPERTY, "1");
		if (!threads.equals("auto")) {
			setIfAbsent("ai.djl.pytorch.num_threads", threads);
			setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
		}
		setIfAbsent("ai.djl.pytorch.graph_optimizer", "false");
	}

	private static void setIfAbsent(final String key, final String value) {
		if (System.getProperty(key) == null) System.setProperty(key, value);
	}
}
