package sc.fiji.unclip.engine;

/**
 * Sees a pipeline's named intermediates (models/BUNDLE.md "Fixtures") and may hand back a replacement to
 * continue with: parity tests feed the reference's own intermediate to each step, so every step is checked
 * on identical inputs instead of accumulating float differences that the first, high-noise steps amplify.
 */
@FunctionalInterface
public interface Trace {

	/** Sees nothing: a pipeline given it neither names nor copies its intermediates. */
	Trace NONE = new Trace() {

		@Override
		public float[] record(final String name, final float[] values) {
			return values;
		}

		@Override
		public boolean records() {
			return false;
		}
	};

	/** Returns the values the pipeline continues with: {@code values} itself unless replaced. */
	float[] record(String name, float[] values);

	/**
	 * Whether {@link #record} looks at the values; when not, a pipeline skips building names and reading
	 * tensors back only for it (per denoising step, that is most of a small model's time between calls).
	 */
	default boolean records() {
		return true;
	}
}
