package sc.fiji.unclip.ij.launcher;

import ij.IJ;

import org.scijava.Context;
import org.scijava.app.event.StatusEvent;
import org.scijava.event.EventHandler;
import org.scijava.event.EventService;
import org.scijava.module.event.ModuleErroredEvent;

import sc.fiji.unclip.UnclipException;

/**
 * The one SciJava {@link Context} of a launcher session, which the commands' services live in (the model is
 * loaded once per context), and the link from SciJava's status events to ImageJ 1.x's status and progress
 * bars, which in Fiji imagej-legacy provides.
 */
public final class LauncherContext {

	private static Context context;
	private static StatusBridge bridge; // EventService holds subscribers weakly

	private LauncherContext() {}

	/** The session's context; created with every plugin on the class path on first use. */
	public static synchronized Context get() {
		if (context == null) use(new Context());
		return context;
	}

	/** Makes {@code c} the session's context (tests use their own). */
	public static synchronized void use(final Context c) {
		context = c;
		bridge = new StatusBridge();
		final EventService events = c.getService(EventService.class);
		if (events != null) events.subscribe(bridge);
	}

	/** Disposes the session's context (closing the model); the next {@link #get()} creates a new one. */
	public static synchronized void dispose() {
		if (context != null) context.dispose();
		context = null;
		bridge = null;
	}

	/** Counts the bridged runs in progress; status events arriving outside of one are stale. */
	private static final java.util.concurrent.atomic.AtomicInteger RUNNING =
		new java.util.concurrent.atomic.AtomicInteger();

	/** Marks the start of a bridged run: its status events show on ImageJ's bars until {@link #runEnded}. */
	static void runStarted() {
		RUNNING.incrementAndGet();
	}

	/**
	 * Marks the end of a bridged run. SciJava publishes status events on a thread pool, so some arrive after
	 * the command finished (and out of order); from now on they are dropped, so that the status the bridge
	 * shows last stays.
	 */
	static void runEnded() {
		RUNNING.decrementAndGet();
	}

	/** Mirrors SciJava status events on ImageJ 1.x's status and progress bars. */
	public static final class StatusBridge {

		@EventHandler
		public void onStatus(final StatusEvent e) {
			if (RUNNING.get() <= 0) return;
			final String message = e.getStatusMessage();
			final int max = e.getProgressMaximum();
			if (message != null) IJ.showStatus(message);
			if (max > 0) IJ.showProgress(e.getProgressValue(), max);
			else if (message == null || message.isEmpty()) IJ.showProgress(1.0);
		}

		/** A user-facing failure is reported by the bridge as a message: no stack trace in the log for it. */
		@EventHandler
		public void onError(final ModuleErroredEvent e) {
			for (Throwable t = e.getException(); t != null; t = t.getCause())
				if (t instanceof UnclipException) {
					e.consume();
					return;
				}
		}
	}
}
