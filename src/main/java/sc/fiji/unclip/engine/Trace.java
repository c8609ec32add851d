package sc.fiji.unclip.engine;

/**
 * Sees a pipeline's named intermediates (models/BUNDLE.md "Fixtures") and may hand back a replacement to
 * continue with: parity tests feed the reference's own intermediate to each step, so every step is checked
 * on identical inputs instead of accumulating float differences that the first, high-noise steps amplify.
 */
@FunctionalInterface
public interface Trace {

	Trace NONE = (name, values) -> values;

	/** Returns the values the pipeline continues with: {@code values} itself unless replaced. */
	float[] record(String name, float[] values);
}
