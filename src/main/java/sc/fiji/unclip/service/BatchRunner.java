package sc.fiji.unclip.service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.CancelledException;
import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.Generator;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.UnclipException;

/**
 * The worker that owns the accelerator: takes batches from the {@link JobQueue} and runs each through the
 * {@link Generator} in one call. A batch stops early only when all of its jobs were cancelled; a job
 * cancelled while its batch-mates still want their images just has its result dropped.
 */
final class BatchRunner implements Runnable {

	private final JobQueue queue;
	private final Generator generator;
	final AtomicInteger running = new AtomicInteger();
	/** Exponentially averaged seconds per image, for {@code Retry-After}. */
	private final AtomicLong nanosPerImage = new AtomicLong(1_000_000_000L);

	BatchRunner(final JobQueue queue, final Generator generator) {
		this.queue = queue;
		this.generator = generator;
	}

	int secondsPerImage() {
		return (int) Math.max(1, Math.ceil(nanosPerImage.get() / 1e9));
	}

	@Override
	public void run() {
		while (true) {
			final List<Job> batch;
			try {
				batch = queue.takeBatch();
			}
			catch (final InterruptedException e) {
				return;
			}
			if (batch.isEmpty()) return;
			runBatch(batch);
		}
	}

	private void runBatch(final List<Job> jobs) {
		final List<Job> live = new ArrayList<>();
		for (final Job job : jobs)
			if (!job.isFinished()) live.add(job);
		if (live.isEmpty()) return;
		final Cancellation batchCancellation = live.size() == 1 ? live.get(0).cancellation
			: new Cancellation();
		for (final Job job : live)
			job.onCancel(() -> {
				if (live.stream().allMatch(Job::isFinished)) batchCancellation.cancel();
			});
		final ProgressListener progress = (stage, step, total) -> {
			for (final Job job : live)
				job.progress(stage, step, total);
		};
		running.addAndGet(live.size());
		final long start = System.nanoTime();
		try {
			final List<GenerationResult> results = generate(live, progress, batchCancellation);
			for (int i = 0; i < live.size(); i++)
				live.get(i).outcome.complete(results.get(i));
			final int images = live.stream().mapToInt(j -> j.work.images()).sum();
			final long perImage = (System.nanoTime() - start) / images;
			nanosPerImage.updateAndGet(old -> (old * 3 + perImage) / 4);
		}
		catch (final CancelledException e) {
			for (final Job job : live)
				job.cancel(ApiException.cancelled("the job was cancelled"));
		}
		catch (final UnclipException e) {
			for (final Job job : live)
				job.outcome.completeExceptionally(ApiException.badRequest("invalid_request", e.getMessage()));
		}
		catch (final RuntimeException | Error e) {
			for (final Job job : live)
				job.outcome.completeExceptionally(e);
		}
		finally {
			running.addAndGet(-live.size());
		}
	}

	private List<GenerationResult> generate(final List<Job> jobs, final ProgressListener progress,
		final Cancellation cancellation)
	{
		if (jobs.size() > 1) {
			final List<TextToImageRequest> requests = new ArrayList<>();
			for (final Job job : jobs)
				requests.add(((Work.TextToImage) job.work).request());
			return generator.textToImageBatch(requests, progress, cancellation);
		}
		final Work work = jobs.get(0).work;
		if (work instanceof Work.TextToImage t) return List.of(generator.textToImage(t.request(), progress,
			cancellation));
		if (work instanceof Work.Variation v) return List.of(generator.vary(v.request(), progress,
			cancellation));
		if (work instanceof Work.Interpolation i) return List.of(generator.interpolate(i.request(), progress,
			cancellation));
		if (work instanceof Work.TextDiff d) return List.of(generator.textDiff(d.request(), progress,
			cancellation));
		final Work.Inpaint p = (Work.Inpaint) work;
		return List.of(generator.inpaint(p.request(), progress, cancellation));
	}
}
