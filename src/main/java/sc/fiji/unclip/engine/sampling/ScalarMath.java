package sc.fiji.unclip.engine.sampling;

/**
 * The float32 {@code sqrt}, {@code log} and {@code exp} the schedulers apply to their scalar coefficients
 * (alpha_bar, sigma, lambda, ...). diffusers computes these with torch, whose CPU kernels (MKL) are not
 * correctly rounded: about one {@code sqrt} in five differs from the exact result by one ulp. Java's correctly
 * rounded functions ({@link #JAVA}, the default) agree with diffusers within 1e-6 per step; the engine installs
 * one backed by libtorch itself ({@link Schedulers#useScalarMath}) so that its schedulers reproduce diffusers'
 * coefficients bit for bit, which keeps whole free-running pipelines within float rounding of the reference
 * even where a step amplifies last-bit differences (t = 999 of the cosine schedule).
 */
public interface ScalarMath {

	float sqrt(float x);

	float log(float x);

	float exp(float x);

	/** Correctly rounded float32 results from Java's double functions. */
	ScalarMath JAVA = new ScalarMath() {

		@Override
		public float sqrt(final float x) {
			return (float) Math.sqrt(x);
		}

		@Override
		public float log(final float x) {
			return (float) Math.log(x);
		}

		@Override
		public float exp(final float x) {
			return (float) Math.exp(x);
		}
	};
}
