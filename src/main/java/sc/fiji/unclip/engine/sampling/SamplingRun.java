package sc.fiji.unclip.engine.sampling;

/** One denoising run of a {@link Scheduler}: its timesteps and its per-run state. */
public interface SamplingRun {

	/** Timesteps in the order they are used; step {@code index} denoises at {@code timesteps()[index]}. */
	long[] timesteps();

	/** Standard deviation of the initial noise (diffusers' {@code init_noise_sigma}). */
	float initNoiseSigma();

	/** Whether {@link #step} at this index adds fresh noise (and so needs a {@code noise} array). */
	boolean needsNoise(int index);

	/**
	 * One step: from the model's output at {@code timesteps()[index]} and the current sample, the sample at
	 * the next timestep.
	 *
	 * @param noise standard normal noise of the sample's size when {@link #needsNoise(int)}, else null
	 */
	float[] step(float[] modelOutput, int index, float[] sample, float[] noise);
}
