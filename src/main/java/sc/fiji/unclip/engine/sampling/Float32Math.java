package sc.fiji.unclip.engine.sampling;

/**
 * The float32 functions torch applies to scheduler scalars. Java's {@code float} operators already round
 * each operation as torch's float32 kernels do; {@code sqrt} (torch's {@code x ** 0.5}), {@code log} and
 * {@code exp} come from the installed {@link ScalarMath} (Java's correctly rounded ones unless the engine
 * installed libtorch's), so Java reproduces diffusers' arithmetic, not just its algebra.
 */
final class Float32Math {

	private static volatile ScalarMath math = ScalarMath.JAVA;

	private Float32Math() {}

	static void use(final ScalarMath m) {
		math = m == null ? ScalarMath.JAVA : m;
	}

	static ScalarMath current() {
		return math;
	}

	static float sqrt(final float x) {
		return math.sqrt(x);
	}

	static float log(final float x) {
		return math.log(x);
	}

	static float exp(final float x) {
		return math.exp(x);
	}

	/** torch's {@code clamp(x, -range, range)} with a Python float range (rounded to float32 first). */
	static float clamp(final float x, final float range) {
		return Math.max(-range, Math.min(range, x));
	}
}
