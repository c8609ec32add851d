package sc.fiji.unclip.engine.sampling;

import static sc.fiji.unclip.engine.sampling.Float32Math.clamp;
import static sc.fiji.unclip.engine.sampling.Float32Math.sqrt;

import ai.djl.ndarray.NDArray;

/**
 * Deterministic sampling of "Denoising Diffusion Implicit Models" (Song et al. 2021) with eta = 0, as
 * diffusers' {@code DDIMScheduler}: each step predicts x_0 and moves to the previous timestep along the
 * predicted noise, formula (12) with sigma_t = 0. Never draws noise.
 */
public final class DdimScheduler implements Scheduler {

	private final NoiseSchedule schedule;
	private final PredictionType prediction;
	private final Float clipRange; // null: clip_sample off
	private final float finalAlphaProd;
	private final TimestepSpacing spacing;
	private final int stepsOffset;

	DdimScheduler(final DiffusersConfig config) {
		config.requireOff("thresholding");
		schedule = NoiseSchedule.of(config, "linear");
		prediction = config.predictionType(PredictionType.values());
		clipRange = config.bool("clip_sample", true) ? (float) config.number("clip_sample_range", 1.0) : null;
		// alpha_bar "before" timestep 0: 1, or alpha_bar_0 (set_alpha_to_one = false)
		finalAlphaProd = config.bool("set_alpha_to_one", true) ? 1f : schedule.alphasCumprod()[0];
		spacing = TimestepSpacing.of(config, "leading");
		stepsOffset = config.integer("steps_offset", 0);
	}

	@Override
	public String name() {
		return "ddim";
	}

	@Override
	public SamplingRun start(final int steps) {
		final int trainSteps = schedule.trainTimesteps();
		Schedulers.checkSteps(name(), steps, 1, trainSteps);
		final long[] timesteps = spacing.timesteps(trainSteps, steps, stepsOffset);
		Schedulers.checkTimesteps(name(), steps, timesteps, trainSteps);
		return new SamplingRun() {

			@Override
			public long[] timesteps() {
				return timesteps.clone();
			}

			@Override
			public float initNoiseSigma() {
				return 1f;
			}

			@Override
			public boolean needsNoise(final int index) {
				return false;
			}

			@Override
			public float[] step(final float[] modelOutput, final int index, final float[] sample,
				final float[] noise)
			{
				// 1. the previous timestep: diffusers always steps back by num_train_timesteps // steps
				final int t = (int) timesteps[index];
				return DdimScheduler.this.step(modelOutput, t, t - trainSteps / steps, sample);
			}

			@Override
			public NDArray step(final NDArray modelOutput, final int index, final NDArray sample,
				final NDArray noise)
			{
				final int t = (int) timesteps[index];
				final int prevT = t - trainSteps / steps;
				final float alphaProd = schedule.alphasCumprod()[t];
				final float alphaProdPrev = prevT >= 0 ? schedule.alphasCumprod()[prevT] : finalAlphaProd;
				final float sqrtAlphaProd = sqrt(alphaProd), sqrtBetaProd = sqrt(1 - alphaProd);
				NDArray x0 = prediction.originalSample(sample, modelOutput, sqrtAlphaProd, sqrtBetaProd);
				final NDArray eps = prediction.epsilon(sample, modelOutput, x0, sqrtAlphaProd, sqrtBetaProd);
				if (clipRange != null) x0 = x0.clip(-clipRange, clipRange);
				return x0.mul(sqrt(alphaProdPrev)).add(eps.mul(sqrt(1 - alphaProdPrev - 0f)));
			}
		};
	}

	private float[] step(final float[] modelOutput, final int t, final int prevT, final float[] sample) {
		Schedulers.checkLengths(modelOutput, sample.length, sample, null, false);
		// 2. alphas, betas: alpha_bar_t, alpha_bar_{t-1}, 1 - alpha_bar_t
		final float alphaProd = schedule.alphasCumprod()[t];
		final float alphaProdPrev = prevT >= 0 ? schedule.alphasCumprod()[prevT] : finalAlphaProd;
		final float betaProd = 1 - alphaProd;
		final float sqrtAlphaProd = sqrt(alphaProd), sqrtBetaProd = sqrt(betaProd);
		// 5. sigma_t(eta) of formula (16) is 0 for eta = 0, so the direction keeps all of 1 - alpha_bar_{t-1}
		final float directionCoeff = sqrt(1 - alphaProdPrev - 0f);
		final float x0Coeff = sqrt(alphaProdPrev);
		final float[] prevSample = new float[sample.length];
		for (int i = 0; i < sample.length; i++) {
			// 3. predicted x_0 ("f_theta(x_t)") and epsilon, formula (12)
			float x0 = prediction.originalSample(sample[i], modelOutput[i], sqrtAlphaProd, sqrtBetaProd);
			final float eps = prediction.epsilon(sample[i], modelOutput[i], x0, sqrtAlphaProd, sqrtBetaProd);
			// 4. clip x_0 (epsilon stays the unclipped model's)
			if (clipRange != null) x0 = clamp(x0, clipRange);
			// 6. "direction pointing to x_t", formula (12)
			final float direction = directionCoeff * eps;
			// 7. x_{t-1} = sqrt(alpha_bar_{t-1}) x_0 + direction, formula (12)
			prevSample[i] = x0Coeff * x0 + direction;
		}
		return prevSample;
	}

	@Override
	public float[] addNoise(final float[] original, final float[] noise, final long timestep) {
		return schedule.addNoise(original, noise, timestep);
	}

	@Override
	public NDArray addNoise(final NDArray original, final NDArray noise, final long timestep) {
		return schedule.addNoise(original, noise, timestep);
	}
}
