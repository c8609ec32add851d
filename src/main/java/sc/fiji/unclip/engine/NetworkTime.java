package sc.fiji.unclip.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Time spent inside network calls (libtorch running a TorchScript module), summed over all threads since
 * the JVM started, so a benchmark can tell the networks' share of a run from the engine's own overhead
 * (tensor copies, scheduler steps, guidance, bookkeeping). Wall time always (two clock reads per call); the
 * CPU time of the calling thread, which a busy machine does not inflate (a descheduled thread uses none),
 * only while {@linkplain #countCpu counting} is on. A thread's CPU clock is a system call: right after a
 * network call one read took about 10 us on the 2-core development VM, and with two or four reads per call
 * they cost 0.1-0.5 ms of the tiny kind's 4 ms per image outside the networks (2026-12-08, 150 images,
 * three alternations), so the engine reads them only for a benchmark. The two halves of a guided step that
 * run at once count as one call.
 */
public final class NetworkTime {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
	private static final LongAdder NANOS = new LongAdder(), CPU_NANOS = new LongAdder(), CALLS =
		new LongAdder();

	private static volatile boolean countCpu;

	private NetworkTime() {}

	/** Whether calls also count their CPU time ({@link #cpuNanos()}); off by default (see above). */
	public static void countCpu(final boolean on) {
		countCpu = on;
	}

	/** Wall-clock nanoseconds inside network calls so far. */
	public static long nanos() {
		return NANOS.sum();
	}

	/**
	 * CPU nanoseconds of the calling threads inside the network calls made while {@linkplain #countCpu
	 * counting} (their OpenMP helpers not counted).
	 */
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

	/** {@link #threadCpu()} while {@linkplain #countCpu counting}, else 0 (no clock read). */
	static long callCpu() {
		return countCpu ? threadCpu() : 0;
	}

	static void record(final long nanos, final long cpuNanos) {
		NANOS.add(nanos);
		CPU_NANOS.add(cpuNanos);
		CALLS.increment();
	}
}
