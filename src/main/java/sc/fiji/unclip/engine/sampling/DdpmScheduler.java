package sc.fiji.unclip.engine.sampling;

import ai.djl.ndarray.NDArray;

import static sc.fiji.unclip.engine.sampling.Float32Math.clamp;
import static sc.fiji.unclip.engine.sampling.Float32Math.exp;
import static sc.fiji.unclip.engine.sampling.Float32Math.log;
import static sc.fiji.unclip.engine.sampling.Float32Math.sqrt;

/**
 * Ancestral sampling of "Denoising Diffusion Probabilistic Models" (Ho et al. 2020), as diffusers'
 * {@code DDPMScheduler}: the posterior mean of formula (7) plus fresh noise of the posterior variance. With
 * {@code variance_type = learned_range} (improved DDPM) the model output is twice the sample's length: the
 * prediction, then the variance interpolation value v in [-1, 1], each laid out like the sample.
 */
public final class DdpmScheduler implements Scheduler {

	/** diffusers' {@code variance_type} values this class supports. */
	static final String[] VARIANCE_TYPES = { "fixed_small", "fixed_small_log", "learned_range" };

	private final NoiseSchedule schedule;
	private final PredictionType prediction;
	private final String varianceType;
	private final Float clipRange; // null: clip_sample off
	private final TimestepSpacing spacing;
	private final int stepsOffset;

	DdpmScheduler(final DiffusersConfig config) {
		config.requireOff("thresholding");
		schedule = NoiseSchedule.of(config, "linear");
		prediction = config.predictionType(PredictionType.values());
		varianceType = config.choice("variance_type", "fixed_small", VARIANCE_TYPES);
		clipRange = config.bool("clip_sample", true) ? (float) config.number("clip_sample_range", 1.0) : null;
		spacing = TimestepSpacing.of(config, "leading");
		stepsOffset = config.integer("steps_offset", 0);
	}

	@Override
	public String name() {
		return "ddpm";
	}

	@Override
	public SamplingRun start(final int steps) {
		Schedulers.checkSteps(name(), steps, 1, schedule.trainTimesteps());
		final long[] timesteps = spacing.timesteps(schedule.trainTimesteps(), steps, stepsOffset);
		Schedulers.checkTimesteps(name(), steps, timesteps, schedule.trainTimesteps());
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
				return timesteps[index] > 0;
			}

			@Override
			public float[] step(final float[] modelOutput, final int index, final float[] sample,
				final float[] noise)
			{
				final int prev = index + 1 < timesteps.length ? (int) timesteps[index + 1] : -1;
				return DdpmScheduler.this.step(modelOutput, (int) timesteps[index], prev, sample, noise);
			}

			@Override
			public NDArray step(final NDArray modelOutput, final int index, final NDArray sample,
				final NDArray noise)
			{
				final int prev = index + 1 < timesteps.length ? (int) timesteps[index + 1] : -1;
				return DdpmScheduler.this.step(modelOutput, (int) timesteps[index], prev, sample, noise);
			}
		};
	}

	/** The scalars of one step t -> prevT. */
	private record Coefficients(float x0Coeff, float sampleCoeff, float variance, float minLog, float maxLog,
		float sqrtAlphaProd, float sqrtBetaProd)
	{}

	private Coefficients coefficients(final int t, final int prevT) {
		// 1. alphas, betas: alpha_bar_t, alpha_bar_{t-1}, alpha_t = alpha_bar_t / alpha_bar_{t-1}
		final float alphaProd = schedule.alphasCumprod()[t];
		final float alphaProdPrev = prevT >= 0 ? schedule.alphasCumprod()[prevT] : 1f;
		final float betaProd = 1 - alphaProd;
		final float betaProdPrev = 1 - alphaProdPrev;
		final float currentAlpha = alphaProd / alphaProdPrev;
		final float currentBeta = 1 - currentAlpha;
		// 4. coefficients of x_0 and x_t in the posterior mean, formula (7)
		final float x0Coeff = sqrt(alphaProdPrev) * currentBeta / betaProd;
		final float sampleCoeff = sqrt(currentAlpha) * betaProdPrev / betaProd;
		// 6. posterior variance beta~_t, formulas (6) and (7), clamped before its log is taken
		final float variance = Math.max(betaProdPrev / betaProd * currentBeta, 1e-20f);
		return new Coefficients(x0Coeff, sampleCoeff, variance, log(variance), log(currentBeta), sqrt(alphaProd),
			sqrt(betaProd));
	}

	/** The tensor step, in diffusers' operation order. */
	private NDArray step(final NDArray modelOutput, final int t, final int prevT, final NDArray sample,
		final NDArray noise)
	{
		final Coefficients c = coefficients(t, prevT);
		final float sigma = varianceType.equals("fixed_small_log") ? exp(0.5f * c.minLog) : sqrt(c.variance);
		return TensorPosterior.step(prediction, clipRange, varianceType.equals("learned_range"),
			new TensorPosterior.Coefficients(c.x0Coeff, c.sampleCoeff, c.minLog, c.maxLog, sigma, c.sqrtAlphaProd,
				c.sqrtBetaProd), modelOutput, sample, noise, t > 0);
	}

	private float[] step(final float[] modelOutput, final int t, final int prevT, final float[] sample,
		final float[] noise)
	{
		final boolean learned = varianceType.equals("learned_range");
		final int n = sample.length;
		Schedulers.checkLengths(modelOutput, learned ? 2 * n : n, sample, noise, t > 0);
		final Coefficients c = coefficients(t, prevT);
		final float x0Coeff = c.x0Coeff, sampleCoeff = c.sampleCoeff, variance = c.variance;
		final float minLog = c.minLog, maxLog = c.maxLog;
		final float sqrtAlphaProd = c.sqrtAlphaProd, sqrtBetaProd = c.sqrtBetaProd;
		final float[] prevSample = new float[n];
		for (int i = 0; i < n; i++) {
			// 2. predicted x_0, formula (15); 3. clipped to [-range, range]
			float x0 = prediction.originalSample(sample[i], modelOutput[i], sqrtAlphaProd, sqrtBetaProd);
			if (clipRange != null) x0 = clamp(x0, clipRange);
			// 5. posterior mean mu~_t(x_t, x_0), formula (7)
			float x = x0Coeff * x0 + sampleCoeff * sample[i];
			// 6. x_{t-1} = mu~_t + sigma_t z, z ~ N(0, I), for t > 0
			if (t > 0) {
				final float sigma;
				if (learned) {
					final float frac = (modelOutput[n + i] + 1) / 2;
					sigma = exp(0.5f * (frac * maxLog + (1 - frac) * minLog));
				}
				else if (varianceType.equals("fixed_small_log")) sigma = exp(0.5f * minLog);
				else sigma = sqrt(variance);
				x = x + sigma * noise[i];
			}
			prevSample[i] = x;
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
