package sc.fiji.unclip.engine;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ObjIntConsumer;
import java.util.function.Supplier;

import ai.djl.ndarray.NDList;
import ai.djl.pytorch.jni.JniUtils;

import sc.fiji.unclip.CancelledException;

/**
 * The conditional and the unconditional half of a guided denoising step evaluated side by side, each with half
 * of libtorch's threads, instead of one call on the doubled batch with all of them.
 * <p>
 * Why: the tiny kind's decoder is made of kernels too small for libtorch to spread well over threads; one
 * batch-2 call at 2 threads took 5.0-6.9 ms on the 2-core development machine where two batch-1 calls at one
 * thread each, side by side, took 3.6-4.9 ms (README "Performance"). libtorch keeps its thread count per
 * thread (OpenMP's), so a guided stage {@linkplain #run runs on the calling thread} with its count lowered to
 * a half's for the stage, and hands one half of each step to a partner thread that keeps that count. The
 * stage stays on the caller, rather than going to an engine thread of its own, because on the development
 * VM a thread that has just woken ran small operations 5-15x slower for a while, and handing a stage over
 * costs two such wake-ups per image. The partner is a daemon thread that lives as long as the process;
 * guided stages of concurrent generations take turns.
 * <p>
 * A waiting thread spins for a moment before it sleeps when the OpenMP threads spin too (the cores were free
 * when libtorch loaded, {@link TorchSettings}); otherwise it sleeps at once, so that on a busy machine it
 * holds no core.
 */
final class GuidanceHalves {

	/** {@code auto} (default): halves when libtorch has 2 or more threads on the CPU; {@code true}; {@code false}. */
	static final String PROPERTY = "unclip.guidance.halves";

	/** How long the partner spins for its next half: the time between two steps' network calls is about 0.1 ms. */
	private static final long SPIN_NANOS = 200_000;

	/**
	 * How long the stage's thread spins for the other half of its step. The halves end up to a few ms apart
	 * when another thread takes a core for a while, and waking a sleeping thread took 50-100 us on the 2-core
	 * development machine; spinning 2 ms instead of 0.2 cut the time outside the networks from 4.2-4.6 % to
	 * 3.7-4.1 % of wall time (2026-12-08, three alternating runs of 80 images each).
	 */
	private static final long OTHER_HALF_SPIN_NANOS = 2_000_000;

	private static final Object DONE = new Object();

	private static GuidanceHalves shared;

	private final int threadsPerHalf;
	private final boolean spin;
	/** Guided stages take turns, in the order they asked. */
	private final ReentrantLock turn = new ReentrantLock(true);
	private final Thread partner;
	private final AtomicReference<Runnable> pending = new AtomicReference<>();
	private volatile Object outcome;
	/** The thread whose stage runs now (null between stages): the one that wakes when a half ends. */
	private volatile Thread stageThread;
	/** When the partner's last network call ended. */
	private volatile long partnerCallEnd;

	private GuidanceHalves(final int threadsPerHalf, final boolean spin) {
		this.threadsPerHalf = threadsPerHalf;
		this.spin = spin;
		final CountDownLatch ready = new CountDownLatch(1);
		partner = new Thread(() -> {
			// reading the count first makes libtorch adopt its default for this thread now, which it would
			// otherwise do at the first kernel, over the count set here
			JniUtils.getNumThreads();
			JniUtils.setNumThreads(threadsPerHalf);
			ready.countDown();
			serve();
		}, "unclip-guidance-partner");
		partner.setDaemon(true);
		partner.start();
		try {
			ready.await();
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new CancelledException();
		}
	}

	/** Whether guided image stages use the halves, by {@value #PROPERTY} and libtorch's threads. */
	static boolean wanted(final boolean onCpu) {
		final String setting = System.getProperty(PROPERTY, "auto").trim();
		if (setting.equalsIgnoreCase("true")) return true;
		if (setting.equalsIgnoreCase("false")) return false;
		return onCpu && TorchSettings.threads() >= 2;
	}

	/**
	 * The process's halves, their partner started on first use, with half of the calling thread's libtorch
	 * threads each (at least one). Setting a thread's count also sets libtorch's default for threads that
	 * have not run a kernel yet, so the caller's count is set again afterwards.
	 */
	static synchronized GuidanceHalves shared() {
		if (shared == null) {
			final int threads = JniUtils.getNumThreads();
			shared = new GuidanceHalves(Math.max(1, threads / 2), TorchSettings.waitPolicyVariable() == null);
			JniUtils.setNumThreads(threads);
		}
		return shared;
	}

	/**
	 * Runs a whole guided stage on the calling thread, with its libtorch threads lowered to a half's while it
	 * runs, after the guided stages that asked before it. Setting the count also sets libtorch's default
	 * for threads that run their first kernel meanwhile, so engine threads set their own count before they
	 * make a network call ({@link Libtorch#useProcessThreads()}).
	 */
	<T> T run(final Supplier<T> stage) {
		try {
			turn.lockInterruptibly();
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new CancelledException();
		}
		final int own = JniUtils.getNumThreads();
		try {
			JniUtils.setNumThreads(threadsPerHalf);
			stageThread = Thread.currentThread();
			return stage.get();
		}
		finally {
			stageThread = null;
			LockSupport.unpark(partner);
			JniUtils.setNumThreads(own);
			turn.unlock();
		}
	}

	/**
	 * Inside a {@linkplain #run stage}: the network call {@code cond} here and {@code uncond} on the partner at
	 * once, each followed on its own thread by {@code take} of its output (0 for cond, 1 for uncond), which is
	 * responsible for freeing it. Waits for both, also when one fails. {@link NetworkTime} counts the span
	 * until the later of the two calls ended as one call, and this thread's CPU time in it, less its own
	 * {@code take}: reading the outputs back is the engine's time, not the networks'.
	 */
	void both(final Supplier<NDList> cond, final Supplier<NDList> uncond, final ObjIntConsumer<NDList> take) {
		if (Thread.currentThread() != stageThread) throw new IllegalStateException("halves run inside a stage");
		final long start = System.nanoTime(), cpu = NetworkTime.callCpu();
		long condEnd = start, takeCpu = 0;
		outcome = null;
		pending.set(() -> {
			final NDList out;
			try {
				out = uncond.get();
			}
			finally {
				partnerCallEnd = System.nanoTime();
			}
			take.accept(out, 1);
		});
		LockSupport.unpark(partner);
		try {
			final NDList out;
			try {
				out = cond.get();
			}
			finally {
				condEnd = System.nanoTime();
			}
			final long before = NetworkTime.callCpu();
			take.accept(out, 0);
			takeCpu = NetworkTime.callCpu() - before;
		}
		finally {
			awaitOutcome();
			NetworkTime.record(Math.max(condEnd, partnerCallEnd) - start, NetworkTime.callCpu() - cpu - takeCpu);
		}
		final Object u = outcome;
		if (u instanceof RuntimeException e) throw e;
		if (u instanceof Error e) throw e;
	}

	private void awaitOutcome() {
		final long until = spin ? System.nanoTime() + OTHER_HALF_SPIN_NANOS : 0;
		while (outcome == null) {
			if (spin && System.nanoTime() < until) Thread.onSpinWait();
			else LockSupport.park(this);
		}
	}

	/** The partner's loop: take a half, run it, report that it ended (or what it threw). */
	private void serve() {
		while (true) {
			final long until = spin ? System.nanoTime() + SPIN_NANOS : 0;
			Runnable half;
			while ((half = pending.getAndSet(null)) == null) {
				if (spin && stageThread != null && System.nanoTime() < until) Thread.onSpinWait();
				else LockSupport.park(this);
			}
			Object result = DONE;
			try {
				half.run();
			}
			catch (final RuntimeException | Error e) {
				result = e;
			}
			outcome = result;
			LockSupport.unpark(stageThread);
		}
	}
}
