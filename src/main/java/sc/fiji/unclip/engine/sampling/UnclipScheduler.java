package sc.fiji.unclip.engine.sampling;

import static sc.fiji.unclip.engine.sampling.Float32Math.clamp;
import static sc.fiji.unclip.engine.sampling.Float32Math.exp;
import static sc.fiji.unclip.engine.sampling.Float32Math.log;
import static sc.fiji.unclip.engine.sampling.Float32Math.sqrt;

import ai.djl.ndarray.NDArray;

/**
 * The ancestral sampler of Karlo's unCLIP, as diffusers' {@code UnCLIPScheduler}: DDPM's posterior step (formula
 * (7) of Ho et al.) over the cosine schedule, taken between the unevenly spaced timestamps
 * round(linspace(0, T - 1, steps)), with the beta of each jump recomputed from alpha_bar. The variance is
 * {@code fixed_small_log} or improved DDPM's {@code learned_range}; for the latter the model output is twice the
 * sample's length: the prediction, then the variance interpolation value v in [-1, 1], each laid out like the
 * sample.
 * <p>
 * Only {@code num_train_timesteps}, {@code clip_sample}, {@code clip_sample_range}, {@code prediction_type},
 * {@code beta_schedule} and {@code variance_type} are read; a {@code variance_type} this scheduler has no
 * equivalent for (such as DDPM's {@code fixed_small}, which stage configs shared by all schedulers carry) means
 * the default {@code fixed_small_log}, as in the reference pipeline.
 */
public final class UnclipScheduler implements Scheduler {

	private final NoiseSchedule schedule;
	private final PredictionType prediction;
	private final boolean learnedRange;
	private final Float clipRange; // null: clip_sample off

	UnclipScheduler(final DiffusersConfig config) {
		config.choice("beta_schedule", "squaredcos_cap_v2", "squaredcos_cap_v2");
		schedule = NoiseSchedule.of(config, "squaredcos_cap_v2");
		prediction = config.predictionType(PredictionType.EPSILON, PredictionType.SAMPLE);
		learnedRange = "learned_range".equals(config.string("variance_type", "fixed_small_log"));
		clipRange = config.bool("clip_sample", true) ? (float) config.number("clip_sample_range", 1.0) : null;
	}

	@Override
	public String name() {
		return "unclip";
	}

	@Override
	public SamplingRun start(final int steps) {
		final int trainSteps = schedule.trainTimesteps();
		Schedulers.checkSteps(name(), steps, 2, trainSteps);
		final long[] timesteps = TimestepSpacing.descending(TimestepSpacing.multiples((trainSteps - 1.0) / (steps -
			1), steps));
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
				// the pipeline passes the next timestep of the list; after the last one diffusers uses t - 1
				final int t = (int) timesteps[index];
				final int prevT = index + 1 < timesteps.length ? (int) timesteps[index + 1] : t - 1;
				return UnclipScheduler.this.step(modelOutput, t, prevT, sample, noise);
			}

			@Override
			public NDArray step(final NDArray modelOutput, final int index, final NDArray sample,
				final NDArray noise)
			{
				final int t = (int) timesteps[index];
				final int prevT = index + 1 < timesteps.length ? (int) timesteps[index + 1] : t - 1;
				return UnclipScheduler.this.step(modelOutput, t, prevT, sample, noise);
			}
		};
	}

	private TensorPosterior.Coefficients coefficients(final int t, final int prevT) {
		// 1. alphas, betas; beta and alpha of the jump t -> prevT, from the table when it is a single step
		final float alphaProd = schedule.alphasCumprod()[t];
		final float alphaProdPrev = prevT >= 0 ? schedule.alphasCumprod()[prevT] : 1f;
		final float betaProd = 1 - alphaProd;
		final float betaProdPrev = 1 - alphaProdPrev;
		final float beta = prevT == t - 1 ? schedule.betas()[t] : 1 - alphaProd / alphaProdPrev;
		final float alpha = prevT == t - 1 ? schedule.alphas()[t] : 1 - beta;
		// 4. coefficients of x_0 and x_t in the posterior mean, formula (7) of the DDPM paper
		final float x0Coeff = sqrt(alphaProdPrev) * beta / betaProd;
		final float sampleCoeff = sqrt(alpha) * betaProdPrev / betaProd;
		// 6. posterior variance beta~_t = (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t) beta, and its log bounds
		final float variance = betaProdPrev / betaProd * beta;
		final float minLog = learnedRange ? log(variance) : log(Math.max(variance, 1e-20f));
		return new TensorPosterior.Coefficients(x0Coeff, sampleCoeff, minLog, log(beta), exp(0.5f * minLog), sqrt(
			alphaProd), sqrt(betaProd));
	}

	/** The tensor step, in diffusers' operation order. */
	private NDArray step(final NDArray modelOutput, final int t, final int prevT, final NDArray sample,
		final NDArray noise)
	{
		return TensorPosterior.step(prediction, clipRange, learnedRange, coefficients(t, prevT), modelOutput,
			sample, noise, t > 0);
	}

	private float[] step(final float[] modelOutput, final int t, final int prevT, final float[] sample,
		final float[] noise)
	{
		final int n = sample.length;
		Schedulers.checkLengths(modelOutput, learnedRange ? 2 * n : n, sample, noise, t > 0);
		final TensorPosterior.Coefficients c = coefficients(t, prevT);
		final float x0Coeff = c.x0Coeff(), sampleCoeff = c.sampleCoeff(), minLog = c.minLog(), maxLog = c.maxLog();
		final float fixedSigma = c.fixedSigma(), sqrtAlphaProd = c.sqrtAlphaProd(), sqrtBetaProd = c
			.sqrtBetaProd();
		final float[] prevSample = new float[n];
		for (int i = 0; i < n; i++) {
			// 2. predicted x_0, formula (15); 3. clipped to [-range, range]
			float x0 = prediction.originalSample(sample[i], modelOutput[i], sqrtAlphaProd, sqrtBetaProd);
			if (clipRange != null) x0 = clamp(x0, clipRange);
			// 5. posterior mean mu~_t(x_t, x_0)
			float x = x0Coeff * x0 + sampleCoeff * sample[i];
			// 6. x_{t-1} = mu~_t + sigma_t z for t > 0; learned_range: log sigma^2 = v max_log + (1 - v) min_log
			if (t > 0) {
				final float sigma;
				if (learnedRange) {
					final float frac = (modelOutput[n + i] + 1) / 2;
					sigma = exp(0.5f * (frac * maxLog + (1 - frac) * minLog));
				}
				else sigma = fixedSigma;
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
