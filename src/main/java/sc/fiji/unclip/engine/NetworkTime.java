package sc.fiji.unclip.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Time spent inside network calls (libtorch running a TorchScript module), summed over all threads since
 * the JVM started, so a benchmark can tell the networks' share of a run from the engine's own overhead
 * (tensor copies, scheduler steps, guidance, bookkeeping). Wall time, and the CPU time of the calling
 * thread, which a busy machine does not inflate (a descheduled thread uses none). Four clock reads per call;
 * the two halves of a guided step that run at once count as one call.
 */
public final class NetworkTime {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
	private static final LongAdder NANOS = new LongAdder(), CPU_NANOS = new LongAdder(), CALLS =
		new LongAdder();

	private NetworkTime() {}

	/** Wall-clock nanoseconds inside network calls so far. */
	public static long nanos() {
		return NANOS.sum();
	}

	/** CPU nanoseconds of the calling threads inside network calls so far (their OpenMP helpers not counted). */
	public static long cpuNanos() {
		return CPU_NANOS.sum();
	}

	/** Network calls so far. */
	public static long calls() {
		return CALLS.sum();
	}

	/** CPU time of the current thread (what {@link #cpuNanos()} adds up). */
	public static long threadCpu() {
		return THREADS.getCurrentThreadCpuTime();
	}

	static void record(final long nanos, final long cpuNanos) {
		NANOS.add(nanos);
		CPU_NANOS.add(cpuNanos);
		CALLS.increment();
	}
}
