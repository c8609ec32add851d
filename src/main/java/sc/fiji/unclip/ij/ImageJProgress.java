package sc.fiji.unclip.ij;

import ij.IJ;

import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.scijava.app.StatusService;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.ProgressListener;

/**
 * Progress of one command on the status bar, with the time left in the current stage, and Esc as the way to
 * stop it: ImageJ's Esc flag is polled at every denoising step, which is how long the engine takes to stop
 * anyway. A real model on a CPU takes many minutes per image (Kandinsky 2.2 at 512 px: about 13 s per
 * decoder step here), so once a stage's first steps show that it will take more than a minute, the Log
 * says so once and names the faster routes; a user should not wait twenty minutes without knowing why.
 */
public final class ImageJProgress implements ProgressListener {

	/** Stages expected to end later than this get the advice. */
	static final double LONG_RUN_SECONDS = 60;
	static final String FASTER_ROUTES = "for faster results use fewer steps with scheduler=[dpmsolver++] " +
		"(e.g. steps=20), or a GPU service (unCLIP Settings... > Service URL)";

	private final StatusService status;
	private final Cancellation cancellation = new Cancellation();
	private final LongSupplier nanoTime;
	private final Consumer<String> log;
	private String stage;
	private long firstStepDone;
	private int firstStep;
	private boolean advised;

	ImageJProgress(final StatusService status) {
		this(status, System::nanoTime, IJ::log);
	}

	ImageJProgress(final StatusService status, final LongSupplier nanoTime, final Consumer<String> log) {
		this.status = status;
		this.nanoTime = nanoTime;
		this.log = log;
	}

	public Cancellation cancellation() {
		return cancellation;
	}

	@Override
	public void progress(final String stage, final int step, final int total) {
		if (IJ.escapePressed()) cancellation.cancel();
		final long now = nanoTime.getAsLong();
		if (step <= 1 || !stage.equals(this.stage)) {
			// the pace is timed from the end of a stage's first step: before it lie loading and earlier stages
			this.stage = stage;
			firstStepDone = now;
			firstStep = step;
		}
		final double left = step > firstStep ? (now - firstStepDone) / 1e9 / (step - firstStep) * (total - step)
			: Double.NaN;
		if (!advised && left > LONG_RUN_SECONDS) {
			advised = true;
			log.accept("unCLIP: the " + stage + " will take about " + duration(left) + " more on this machine; " +
				FASTER_ROUTES + ". Esc cancels.");
		}
		if (status != null) status.showStatus(step, total, "unCLIP: " + stage + " step " + step + "/" + total +
			(Double.isNaN(left) || step == total ? "" : ", about " + duration(left) + " left in this stage") +
			" (Esc cancels)");
	}

	/** "40 s", "3 min", "1 h 5 min": what a status bar can show. */
	static String duration(final double seconds) {
		final long s = Math.round(seconds);
		if (s < 90) return s + " s";
		final long minutes = Math.round(seconds / 60);
		return minutes < 60 ? minutes + " min" : minutes / 60 + " h " + minutes % 60 + " min";
	}

	void done() {
		if (status != null) status.clearStatus();
	}
}
