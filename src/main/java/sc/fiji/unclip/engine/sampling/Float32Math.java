package sc.fiji.unclip.engine.sampling;

/**
 * The float32 functions torch applies to scheduler scalars. Java's {@code float} operators already round
 * each operation as torch's float32 kernels do; these add the correctly rounded {@code sqrt} (torch's
 * {@code x ** 0.5}), {@code log} and {@code exp}, so Java reproduces diffusers' arithmetic, not just its algebra.
 */
final class Float32Math {

	private Float32Math() {}

	static float sqrt(final float x) {
		return (float) Math.sqrt(x);
	}

	static float log(final float x) {
		return (float) Math.log(x);
	}

	static float exp(final float x) {
		return (float) Math.exp(x);
	}

	/** torch's {@code clamp(x, -range, range)} with a Python float range (rounded to float32 first). */
	static float clamp(final float x, final float range) {
		return Math.max(-range, Math.min(range, x));
	}
}
