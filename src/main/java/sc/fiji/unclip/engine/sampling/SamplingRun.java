package sc.fiji.unclip.engine.sampling;

import ai.djl.ndarray.NDArray;

/** One denoising run of a {@link Scheduler}: its timesteps and its per-run state. */
public interface SamplingRun extends AutoCloseable {

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

	/**
	 * {@link #step(float[], int, float[], float[])} on native tensors, so a pipeline keeps its latents in
	 * libtorch across steps. The tensors hold the batch in their first dimension; a learned variance comes
	 * as extra channels in dimension 1 of {@code modelOutput} (as diffusers passes it). The result lives in
	 * {@code sample}'s manager; state the run keeps for its next step (multistep history) lives in the run's
	 * own, freed by {@link #close()}.
	 *
	 * @param noise standard normal noise shaped like the sample when {@link #needsNoise(int)}, else null
	 */
	NDArray step(NDArray modelOutput, int index, NDArray sample, NDArray noise);

	/** Frees native state kept between tensor steps (none for single-step schedulers). */
	@Override
	default void close() {}
}
