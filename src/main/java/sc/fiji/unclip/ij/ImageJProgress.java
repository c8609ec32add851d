package sc.fiji.unclip.ij;

import ij.IJ;

import org.scijava.app.StatusService;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.ProgressListener;

/**
 * Progress of one command on the status bar, and Esc as the way to stop it: ImageJ's Esc flag is polled at
 * every denoising step, which is how long the engine takes to stop anyway.
 */
public final class ImageJProgress implements ProgressListener {

	private final StatusService status;
	private final Cancellation cancellation = new Cancellation();

	ImageJProgress(final StatusService status) {
		this.status = status;
	}

	public Cancellation cancellation() {
		return cancellation;
	}

	@Override
	public void progress(final String stage, final int step, final int total) {
		if (IJ.escapePressed()) cancellation.cancel();
		if (status != null) status.showStatus(step, total, "unCLIP: " + stage + " step " + step + "/" + total +
			" (Esc cancels)");
	}

	void done() {
		if (status != null) status.clearStatus();
	}
}
