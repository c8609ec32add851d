package sc.fiji.unclip.service;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded waiting room in front of the generator. Full means 429 for the newcomer rather than an
 * ever-growing wait; {@link #takeBatch} forms dynamic batches: the oldest job, plus jobs with the same batch
 * key that arrive within {@code maxWait}, up to {@code maxImages} images.
 */
final class JobQueue {

	private final int capacity;
	private final int maxImages;
	private final long maxWaitNanos;
	private final ArrayDeque<Job> waiting = new ArrayDeque<>();
	private final ReentrantLock lock = new ReentrantLock();
	private final Condition changed = lock.newCondition();
	private boolean closed;

	JobQueue(final int capacity, final int maxImages, final Duration maxWait) {
		this.capacity = capacity;
		this.maxImages = maxImages;
		this.maxWaitNanos = maxWait.toNanos();
	}

	/** @return false if the queue is full or closed */
	boolean offer(final Job job) {
		lock.lock();
		try {
			if (closed || waiting.size() >= capacity) return false;
			waiting.add(job);
			job.onCancel(() -> remove(job));
			changed.signalAll();
			return true;
		}
		finally {
			lock.unlock();
		}
	}

	int size() {
		lock.lock();
		try {
			return waiting.size();
		}
		finally {
			lock.unlock();
		}
	}

	private void remove(final Job job) {
		lock.lock();
		try {
			waiting.remove(job);
		}
		finally {
			lock.unlock();
		}
	}

	/**
	 * Blocks until a job waits, then gathers its batch.
	 *
	 * @return the batch, oldest first; empty once the queue is closed and drained
	 */
	List<Job> takeBatch() throws InterruptedException {
		lock.lock();
		try {
			while (waiting.isEmpty()) {
				if (closed) return List.of();
				changed.await();
			}
			final Job first = waiting.poll();
			final List<Job> batch = new ArrayList<>(List.of(first));
			final Object key = first.work.batchKey();
			if (key == null) return batch;
			int images = first.work.images();
			final long until = System.nanoTime() + maxWaitNanos;
			while (images < maxImages) {
				images = gather(batch, key, images);
				final long left = until - System.nanoTime();
				if (images >= maxImages || left <= 0 || closed) break;
				changed.await(left, TimeUnit.NANOSECONDS);
			}
			return batch;
		}
		finally {
			lock.unlock();
		}
	}

	private int gather(final List<Job> batch, final Object key, int images) {
		for (final Iterator<Job> it = waiting.iterator(); it.hasNext();) {
			final Job job = it.next();
			if (Objects.equals(key, job.work.batchKey()) && images + job.work.images() <= maxImages) {
				it.remove();
				batch.add(job);
				images += job.work.images();
			}
		}
		return images;
	}

	/** Refuses new jobs; jobs already waiting are still handed out by {@link #takeBatch}. */
	void close() {
		lock.lock();
		try {
			closed = true;
			changed.signalAll();
		}
		finally {
			lock.unlock();
		}
	}

	/** Removes and returns every waiting job (used when shutdown's grace period runs out). */
	List<Job> drain() {
		lock.lock();
		try {
			final List<Job> rest = new ArrayList<>(waiting);
			waiting.clear();
			return rest;
		}
		finally {
			lock.unlock();
		}
	}
}
