package sc.fiji.unclip.engine;

import java.util.concurrent.atomic.LongAdder;

/**
 * Time spent inside network calls (libtorch running a TorchScript module), summed over all threads since
 * the JVM started, so a benchmark can tell the networks' share of a run from the engine's own overhead
 * (tensor copies, scheduler steps, guidance, bookkeeping). Two clock reads per call.
 */
public final class NetworkTime {

	private static final LongAdder NANOS = new LongAdder(), CALLS = new LongAdder();

	private NetworkTime() {}

	/** Nanoseconds inside network calls so far. */
	public static long nanos() {
		return NANOS.sum();
	}

	/** Network calls so far. */
	public static long calls() {
		return CALLS.sum();
	}

	static void record(final long nanos) {
		NANOS.add(nanos);
		CALLS.increment();
	}
}
