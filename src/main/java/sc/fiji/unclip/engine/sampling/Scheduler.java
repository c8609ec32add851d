package sc.fiji.unclip.engine.sampling;

import ai.djl.ndarray.NDArray;

/**
 * A diffusion noise scheduler: the rule that turns a model's prediction at timestep t into the sample at
 * the previous timestep. Each implementation matches the diffusers scheduler of the same name step for
 * step, for the same configuration (the manifest's {@code config} keys).
 * <p>
 * A scheduler is immutable and shareable; the per-run state (multistep history) lives in the
 * {@link SamplingRun} that {@link #start(int)} returns. Arrays hold the whole batch, flattened; every
 * operation is element-wise.
 */
public interface Scheduler {

	/** Manifest name: {@code ddpm}, {@code ddim}, {@code dpmsolver++}, {@code unclip}. */
	String name();

	/** Starts a run of {@code steps} denoising steps (diffusers' {@code set_timesteps}). */
	SamplingRun start(int steps);

	/** Forward process q(x_t | x_0) (diffusers' {@code add_noise}); used for variations of strength < 1. */
	float[] addNoise(float[] original, float[] noise, long timestep);

	/** {@link #addNoise(float[], float[], long)} on native tensors. */
	NDArray addNoise(NDArray original, NDArray noise, long timestep);
}
