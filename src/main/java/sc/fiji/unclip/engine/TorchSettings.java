package sc.fiji.unclip.engine;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * libtorch settings, applied before DJL's engine loads unless the user set DJL's own properties (see README
 * "Performance" for the measurements behind them):
 * <ul>
 * <li>intra-op threads: the physical cores, at most {@value #MAX_DEFAULT_THREADS}; {@code -Dunclip.threads=N}
 * sets N, {@code -Dunclip.threads=auto} leaves libtorch's own choice. libtorch keeps the count process-wide:
 * every thread that runs a network (the service's batch runner included) gets it on its first kernel, except
 * the two threads that run the halves of guided image stages with half of it each ({@link GuidanceHalves});</li>
 * <li>one inter-op thread (the bundles' TorchScript never forks);</li>
 * <li>the OpenMP wait policy chosen from what other processes use of the CPUs when libtorch loads
 * ({@link OtherProcessesLoad}), unless the environment
 * sets {@code OMP_WAIT_POLICY}: libgomp's default (waiting threads spin, as in Python) when every thread
 * has a free core, for at most {@value #BOUNDED_SPIN_COUNT} rounds ({@code GOMP_SPINCOUNT}, unless the
 * environment sets it), else {@code PASSIVE} (waiting threads sleep). Spinning was about 1.9x faster per image
 * on an idle machine; beside busy processes it made two threads take 0.3-1.6 s per decoder call instead of
 * 0.02 s, because a spinning thread holds the core its partner needs;</li>
 * <li>TorchScript's graph optimizer off (its profiling runs only cost time at a few dozen calls per
 * image).</li>
 * </ul>
 */
public final class TorchSettings {

	public static final String THREADS_PROPERTY = "unclip.threads";
	/** Most threads the default takes: small networks' kernels stop gaining from more. */
	public static final int MAX_DEFAULT_THREADS = 8;

	private static final String DJL_THREADS = "ai.djl.pytorch.num_threads";
	private static final String WAIT_POLICY = "OMP_WAIT_POLICY";
	private static final String SPIN_COUNT = "GOMP_SPINCOUNT";

	/**
	 * Rounds a waiting OpenMP thread spins before it sleeps, when the policy is to spin: about 1 ms on the
	 * development machine's Xeon (a round is one pause instruction), where libgomp's 300000 kept the caller's
	 * helper thread spinning long after a batched stage, on a core the guidance halves' two threads needed
	 * next. Measured there (2026-12-08, two sets of three alternations of 80 images): 0.125-0.147 s per image
	 * against 0.132-0.157 s with libgomp's count, faster in 5 of the 6 pairs. Short gaps (the 20-30 us
	 * between a stage's calls) stay spun over.
	 */
	static final String BOUNDED_SPIN_COUNT = "20000";

	/**
	 * How long the start samples other processes' CPU use: long enough for 10 ms clock ticks to say
	 * something, short beside libtorch's load.
	 */
	private static final long SAMPLE_MILLIS = 150;

	private static volatile String waitPolicy;
	private static volatile String spinCount;

	private TorchSettings() {}

	/**
	 * Sets the properties DJL reads when it loads libtorch (the OpenMP environment: {@link #applyWaitPolicy()});
	 * idempotent.
	 */
	public static synchronized void apply() {
		final String threads = System.getProperty(THREADS_PROPERTY);
		if (!"auto".equals(threads)) {
			setIfAbsent(DJL_THREADS, Integer.toString(requested(threads)));
			setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
		}
		setIfAbsent("ai.djl.pytorch.graph_optimizer", "false");
	}

	/**
	 * Chooses the OpenMP wait policy (once per process; it samples the CPUs for {@value #SAMPLE_MILLIS} ms).
	 * {@link Libtorch#start()} calls it just before libtorch loads, so on a background start the sample
	 * overlaps with checking the bundle's hashes instead of delaying them.
	 */
	public static synchronized void applyWaitPolicy() {
		if (waitPolicy == null) waitPolicy = chooseWaitPolicy();
	}

	/**
	 * Intra-op threads libtorch runs each network with (for {@code auto}: libtorch's default, the physical
	 * cores), for the settings dialog and the benchmarks.
	 */
	public static int threads() {
		final String djl = System.getProperty(DJL_THREADS);
		if (djl != null) try {
			return Integer.parseInt(djl.trim());
		}
		catch (final NumberFormatException e) {
			// DJL itself rejects it when the engine starts
		}
		final String threads = System.getProperty(THREADS_PROPERTY);
		return "auto".equals(threads) ? physicalCores() : requested(threads);
	}

	/** One line saying the thread policy in effect and how to change it (for the settings dialog). */
	public static String description() {
		applyWaitPolicy();
		final String threads = System.getProperty(THREADS_PROPERTY);
		final String why = threads == null ? "physical cores, at most " + MAX_DEFAULT_THREADS : "auto".equals(
			threads) ? "-D" + THREADS_PROPERTY + "=auto: libtorch's choice" : "-D" + THREADS_PROPERTY + "=" + threads;
		final int n = threads();
		return n + " libtorch thread" + (n == 1 ? "" : "s") + " (" + why + "), OpenMP wait policy " + waitPolicy +
			"; change with -D" + THREADS_PROPERTY + "=N or =auto";
	}

	/** The count asked for by {@code -Dunclip.threads} (null: the default policy). */
	private static int requested(final String threads) {
		final int fallback = Math.max(1, Math.min(MAX_DEFAULT_THREADS, Math.min(physicalCores(), Runtime
			.getRuntime().availableProcessors())));
		if (threads == null || threads.isBlank() || threads.equals("auto")) return fallback;
		try {
			final int n = Integer.parseInt(threads.trim());
			if (n >= 1) return n;
		}
		catch (final NumberFormatException e) {
			// reported below
		}
		System.err.println("[unclip] -D" + THREADS_PROPERTY + "=" + threads + " is neither a positive number " +
			"nor 'auto'; using the default of " + fallback + " threads.");
		return fallback;
	}

	/**
	 * Physical cores (Linux: distinct physical id / core id pairs of /proc/cpuinfo, so SMT siblings count
	 * once); elsewhere the processors the JVM sees.
	 */
	public static int physicalCores() {
		final int logical = Runtime.getRuntime().availableProcessors();
		final Path cpuinfo = Path.of("/proc/cpuinfo");
		if (!Files.isReadable(cpuinfo)) return logical;
		try {
			final List<String> lines = Files.readAllLines(cpuinfo);
			final Set<String> cores = new HashSet<>();
			String physical = "0";
			for (final String line : lines) {
				if (line.startsWith("physical id")) physical = line.substring(line.indexOf(':') + 1).trim();
				else if (line.startsWith("core id")) cores.add(physical + ":" + line.substring(line.indexOf(':') +
					1).trim());
			}
			return cores.isEmpty() ? logical : Math.min(cores.size(), logical);
		}
		catch (final IOException | RuntimeException e) {
			return logical;
		}
	}

	/**
	 * Whether waiting OpenMP threads should sleep ({@code PASSIVE}) rather than spin: only when the cores
	 * are not all free for this process's threads, judged by the cores other processes keep busy during a
	 * short sample at start (where the platform cannot say: the one-minute load average). A busy core makes
	 * a spinning thread wait for a time slice at every barrier.
	 *
	 * @param load busy cores of other processes, or the load average (negative: unknown, taken as busy)
	 * @param processors logical processors
	 * @param threads the intra-op threads this process will run
	 */
	static boolean sleepWhileWaiting(final double load, final int processors, final int threads) {
		return load < 0 || load + threads > processors + 0.5;
	}

	/** Sets {@code OMP_WAIT_POLICY} in the process environment, which libgomp reads when it loads. */
	private static String chooseWaitPolicy() {
		final String given = System.getenv(WAIT_POLICY);
		if (given != null) return given + " (from the environment)";
		if (Platform.isWindows()) return "libtorch's default";
		final int processors = Runtime.getRuntime().availableProcessors();
		final double others = OtherProcessesLoad.measure(SAMPLE_MILLIS);
		final double load = others >= 0 ? others : loadAverage();
		final String machine = String.format(Locale.ROOT, others >= 0 ? "other processes busy on %.1f of %d " +
			"processors at start" : "load %.1f on %d processors at start", load, processors);
		if (!sleepWhileWaiting(load, processors, threads())) return "threads spin, " + boundedSpin() + " (" +
			machine + ")";
		try {
			Native.load("c", LibC.class).setenv(WAIT_POLICY, "PASSIVE", 0);
			return "PASSIVE (" + machine + ")";
		}
		catch (final LinkageError e) {
			return "libtorch's default (cannot set " + WAIT_POLICY + ": " + e.getMessage() + ")";
		}
	}

	/** Bounds the spinning ({@value #BOUNDED_SPIN_COUNT} rounds) unless the environment sets it; says how. */
	private static String boundedSpin() {
		final String given = System.getenv(SPIN_COUNT);
		if (given != null) return SPIN_COUNT + "=" + given + " (from the environment)";
		try {
			Native.load("c", LibC.class).setenv(SPIN_COUNT, BOUNDED_SPIN_COUNT, 0);
			spinCount = BOUNDED_SPIN_COUNT;
			return SPIN_COUNT + "=" + BOUNDED_SPIN_COUNT;
		}
		catch (final LinkageError e) {
			return "libgomp's count (cannot set " + SPIN_COUNT + ": " + e.getMessage() + ")";
		}
	}

	/**
	 * The value of {@code GOMP_SPINCOUNT} libgomp sees in this process (null: unset), so that a benchmark can
	 * run its reference under the same settings.
	 */
	public static String spinCountVariable() {
		final String given = System.getenv(SPIN_COUNT);
		return given != null ? given : spinCount;
	}

	/** The one-minute load average (Linux, macOS), or -1 where the platform does not say. */
	static double loadAverage() {
		return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
	}

	/**
	 * The value of {@code OMP_WAIT_POLICY} libgomp sees in this process (null: unset, libgomp's spinning
	 * default), so that a benchmark can run its reference under the same policy.
	 */
	public static String waitPolicyVariable() {
		final String given = System.getenv(WAIT_POLICY);
		if (given != null) return given;
		return waitPolicy != null && waitPolicy.startsWith("PASSIVE") ? "PASSIVE" : null;
	}

	private static void setIfAbsent(final String key, final String value) {
		if (System.getProperty(key) == null) System.setProperty(key, value);
	}

	/** The C library's setenv, so that native code loaded later (libgomp) sees the variable. */
	interface LibC extends Library {

		int setenv(String name, String value, int overwrite);
	}
}
