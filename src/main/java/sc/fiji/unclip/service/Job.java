package sc.fiji.unclip.service;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.ProgressListener;

/**
 * One accepted request on its way through the queue: its work, its outcome, who wants its progress, and
 * how it is stopped (cancel endpoint, client gone, deadline, shutdown).
 */
final class Job {

	final String id;
	final Work work;
	final Instant deadline;
	final CompletableFuture<GenerationResult> outcome = new CompletableFuture<>();
	final Cancellation cancellation = new Cancellation();
	private final List<ProgressListener> listeners = new CopyOnWriteArrayList<>();
	private volatile Runnable onCancel = () -> {};

	Job(final String id, final Work work, final Instant deadline) {
		this.id = id;
		this.work = work;
		this.deadline = deadline;
	}

	void addListener(final ProgressListener listener) {
		listeners.add(listener);
	}

	void progress(final String stage, final int step, final int total) {
		for (final ProgressListener l : listeners)
			l.progress(stage, step, total);
	}

	/** Called when the job is cancelled; the queue uses it to drop waiting jobs, batches to stop early. */
	void onCancel(final Runnable action) {
		onCancel = action;
		if (cancellation.isCancelled()) action.run();
	}

	/** Stops the job with this error; does nothing once it has finished. */
	void cancel(final ApiException reason) {
		if (outcome.isDone()) return;
		cancellation.cancel();
		outcome.completeExceptionally(reason);
		onCancel.run();
	}

	boolean isFinished() {
		return outcome.isDone();
	}
}
