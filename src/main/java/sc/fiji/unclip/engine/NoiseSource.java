package sc.fiji.unclip.engine;

/**
 * Where a pipeline's random tensors come from. Every draw has a name (see models/BUNDLE.md "Noise"), so
 * parity tests can inject the exact tensors the Python reference used.
 */
public interface NoiseSource {

	/**
	 * Standard normal values for a batch-shaped tensor.
	 *
	 * @param name the draw's name, e.g. {@code decoder.init} or {@code prior.step.3}
	 * @param batch number of images B
	 * @param perImage values per image
	 * @return {@code batch * perImage} values, image after image
	 */
	float[] draw(String name, int batch, int perImage);
}
