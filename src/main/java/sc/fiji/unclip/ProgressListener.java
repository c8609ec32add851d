package sc.fiji.unclip;

/** Told after each denoising step, so front ends can show a bar; must return quickly. */
@FunctionalInterface
public interface ProgressListener {

	ProgressListener NONE = (stage, step, total) -> {};

	/**
	 * @param stage {@code prior}, {@code decoder} or {@code upsampler} (or a remote stage name)
	 * @param step steps done in this stage, 1-based
	 * @param total steps of this stage
	 */
	void progress(String stage, int step, int total);
}
