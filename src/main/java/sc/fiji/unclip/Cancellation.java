package sc.fiji.unclip;

/**
 * A flag another thread sets to stop a running call; the engine checks it before every network call and
 * stops within one denoising step.
 */
public final class Cancellation {

	private volatile boolean cancelled;

	public void cancel() {
		cancelled = true;
	}

	public boolean isCancelled() {
		return cancelled;
	}

	/** @throws CancelledException if {@link #cancel()} was called */
	public void check() {
		if (cancelled) throw new CancelledException();
	}
}
