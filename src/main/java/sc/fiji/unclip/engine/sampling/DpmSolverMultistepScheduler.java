package sc.fiji.unclip.engine.sampling;

import static sc.fiji.unclip.engine.sampling.Float32Math.exp;
import static sc.fiji.unclip.engine.sampling.Float32Math.log;
import static sc.fiji.unclip.engine.sampling.Float32Math.sqrt;

import java.util.Arrays;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * DPM-Solver++(2M) ("DPM-Solver++: Fast Solver for Guided Sampling of Diffusion Probabilistic Models", Lu et
 * al. 2022, Algorithm 2), as diffusers' {@code DPMSolverMultistepScheduler} with
 * {@code algorithm_type = "dpmsolver++"} and {@code solver_order = 2}: a second-order multistep solver of the
 * diffusion ODE in the data-prediction form, good in 10 to 25 steps. Deterministic; the run keeps the
 * previous step's x_0 prediction, so a run's steps must be taken in order.
 */
public final class DpmSolverMultistepScheduler implements Scheduler {

	private final NoiseSchedule schedule;
	/** sigma_t = sqrt((1 - alpha_bar_t) / alpha_bar_t) per training timestep (the VP-to-VE noise level). */
	private final float[] trainSigmas;
	private final PredictionType prediction;
	private final boolean learnedVariance;
	private final boolean heun;
	private final boolean lowerOrderFinal, eulerAtFinal, finalSigmaZero;
	private final TimestepSpacing spacing;
	private final int stepsOffset;
	private final int lastTimestep;

	DpmSolverMultistepScheduler(final DiffusersConfig config) {
		config.requireOff("thresholding", "use_karras_sigmas", "use_exponential_sigmas", "use_beta_sigmas",
			"use_lu_lambdas", "use_flow_sigmas");
		schedule = NoiseSchedule.of(config, "linear");
		prediction = config.predictionType(PredictionType.values());
		final String variance = config.string("variance_type", null);
		learnedVariance = "learned".equals(variance) || "learned_range".equals(variance);
		heun = config.choice("solver_type", "midpoint", "midpoint", "heun", "logrho", "bh1", "bh2").equals("heun");
		lowerOrderFinal = config.bool("lower_order_final", true);
		eulerAtFinal = config.bool("euler_at_final", false);
		finalSigmaZero = config.choice("final_sigmas_type", "zero", "zero", "sigma_min").equals("zero");
		spacing = TimestepSpacing.of(config, "linspace");
		stepsOffset = config.integer("steps_offset", 0);
		final float[] ac = schedule.alphasCumprod();
		trainSigmas = new float[ac.length];
		for (int t = 0; t < ac.length; t++) trainSigmas[t] = sqrt((1 - ac[t]) / ac[t]);
		// timesteps whose log-SNR lambda_t is below lambda_min_clipped are never used (cosine schedules)
		final double lambdaMin = config.number("lambda_min_clipped", Double.NEGATIVE_INFINITY);
		int clipped = 0;
		for (final float a : ac) if (log(sqrt(a)) - log(sqrt(1 - a)) < lambdaMin) clipped++;
		lastTimestep = ac.length - clipped;
	}

	@Override
	public String name() {
		return "dpmsolver++";
	}

	@Override
	public SamplingRun start(final int steps) {
		final int trainSteps = schedule.trainTimesteps();
		Schedulers.checkSteps(name(), steps, 1, trainSteps);
		final long[] timesteps = timesteps(steps);
		Schedulers.checkTimesteps(name(), steps, timesteps, trainSteps);
		// sigmas of the run: one per timestep, then the final sigma (0, or the smallest training sigma)
		final float[] sigmas = new float[timesteps.length + 1];
		for (int i = 0; i < timesteps.length; i++) sigmas[i] = trainSigmas[(int) timesteps[i]];
		sigmas[timesteps.length] = finalSigmaZero ? 0f : trainSigmas[0];
		return new Run(timesteps, sigmas);
	}

	private long[] timesteps(final int steps) {
		return switch (spacing) {
			case LINSPACE -> drop1(TimestepSpacing.descending(TimestepSpacing.linspace(lastTimestep - 1, steps + 1)));
			case LEADING -> {
				final long[] t = drop1(TimestepSpacing.descending(TimestepSpacing.multiples(lastTimestep / (steps + 1),
					steps + 1)));
				for (int i = 0; i < t.length; i++) t[i] += stepsOffset;
				yield t;
			}
			case TRAILING -> {
				final long[] t = TimestepSpacing.roundedArange(lastTimestep, (double) schedule.trainTimesteps() / steps);
				for (int i = 0; i < t.length; i++) t[i] -= 1;
				yield t;
			}
		};
	}

	private static long[] drop1(final long[] t) {
		return Arrays.copyOf(t, t.length - 1);
	}

	/** One run's multistep state: the x_0 predictions of the last two steps and how many steps were taken. */
	private final class Run implements SamplingRun {

		private final long[] timesteps;
		private final float[] sigmas;
		private float[] previousX0;
		private NDArray previousX0Tensor;
		private NDManager state;
		private int taken;
		private int nextIndex = -1;

		Run(final long[] timesteps, final float[] sigmas) {
			this.timesteps = timesteps;
			this.sigmas = sigmas;
		}

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
		public float[] step(final float[] modelOutput, final int index, final float[] sample, final float[] noise) {
			if (nextIndex >= 0 && index != nextIndex) throw new IllegalStateException("DPM-Solver++ steps must be " +
				"taken in order: expected step " + nextIndex + ", got " + index);
			final int n = sample.length;
			Schedulers.checkLengths(modelOutput, learnedVariance && modelOutput.length == 2 * n ? 2 * n : n, sample,
				null, false);
			final int last = timesteps.length - 1;
			// the final steps fall back to lower orders for stability with few steps
			final boolean firstOrderFinal = index == last && (eulerAtFinal || lowerOrderFinal && timesteps.length <
				15 || finalSigmaZero);
			// 1. the data prediction x_0 (DPM-Solver++ solves the ODE in x_0)
			final float[] x0 = originalSample(modelOutput, sample, sigmas[index]);
			final float[] prev = taken < 1 || firstOrderFinal ? firstOrder(x0, index, sample) : secondOrder(x0,
				previousX0, index, sample);
			previousX0 = x0;
			taken++;
			nextIndex = index + 1;
			return prev;
		}

		@Override
		public NDArray step(final NDArray modelOutput, final int index, final NDArray sample, final NDArray noise) {
			if (nextIndex >= 0 && index != nextIndex) throw new IllegalStateException("DPM-Solver++ steps must be " +
				"taken in order: expected step " + nextIndex + ", got " + index);
			final int last = timesteps.length - 1;
			final boolean firstOrderFinal = index == last && (eulerAtFinal || lowerOrderFinal && timesteps.length <
				15 || finalSigmaZero);
			final NDArray output = learnedVariance && modelOutput.getShape().get(1) == 2 * sample.getShape().get(1)
				? modelOutput.split(new long[] { sample.getShape().get(1) }, 1).get(0) : modelOutput;
			final float sigma = sigmas[index], alpha = alphaOf(sigma), sigmaT = sigma * alpha;
			final NDArray x0 = switch (prediction) {
				case EPSILON -> sample.sub(output.mul(sigmaT)).div(alpha);
				case SAMPLE -> output;
				case V_PREDICTION -> sample.mul(alpha).sub(output.mul(sigmaT));
			};
			final NDArray prev;
			if (taken < 1 || firstOrderFinal) {
				final float[] c = firstOrderCoefficients(index);
				prev = sample.mul(c[0]).sub(x0.mul(c[1]));
			}
			else {
				final float[] c = secondOrderCoefficients(index);
				final NDArray d1 = x0.sub(previousX0Tensor).mul(c[3]);
				prev = heun ? sample.mul(c[0]).sub(x0.mul(c[1])).add(d1.mul(c[2])) : sample.mul(c[0]).sub(x0.mul(c[1]))
					.sub(d1.mul(c[2]));
			}
			if (previousX0Tensor != null) previousX0Tensor.close();
			if (state == null) state = NDManager.newBaseManager(sample.getDevice());
			previousX0Tensor = x0 == output ? x0.duplicate() : x0;
			previousX0Tensor.attach(state);
			taken++;
			nextIndex = index + 1;
			return prev;
		}

		@Override
		public void close() {
			if (state != null) state.close();
			state = null;
			previousX0Tensor = null;
		}

		/** sample and x_0 coefficients of the first-order step. */
		private float[] firstOrderCoefficients(final int index) {
			final float sigmaT = sigmas[index + 1], sigmaS = sigmas[index];
			final float alphaT = alphaOf(sigmaT), alphaS = alphaOf(sigmaS);
			final float sT = sigmaT * alphaT, sS = sigmaS * alphaS;
			final float h = lambda(alphaT, sT) - lambda(alphaS, sS);
			return new float[] { sT / sS, alphaT * (exp(-h) - 1.0f) };
		}

		/** sample, D0 and D1 coefficients and the D1 scale 1 / r0 of the second-order step. */
		private float[] secondOrderCoefficients(final int index) {
			final float sigmaT = sigmas[index + 1], sigmaS0 = sigmas[index], sigmaS1 = sigmas[index - 1];
			final float alphaT = alphaOf(sigmaT), alphaS0 = alphaOf(sigmaS0), alphaS1 = alphaOf(sigmaS1);
			final float sT = sigmaT * alphaT, sS0 = sigmaS0 * alphaS0, sS1 = sigmaS1 * alphaS1;
			final float lambdaT = lambda(alphaT, sT), lambdaS0 = lambda(alphaS0, sS0), lambdaS1 = lambda(alphaS1, sS1);
			final float h = lambdaT - lambdaS0, h0 = lambdaS0 - lambdaS1;
			final float r0 = h0 / h;
			final float d0Coeff = alphaT * (exp(-h) - 1.0f);
			final float d1Coeff = heun ? alphaT * ((exp(-h) - 1.0f) / h + 1.0f) : 0.5f * d0Coeff;
			return new float[] { sT / sS0, d0Coeff, d1Coeff, 1.0f / r0 };
		}

		private float[] originalSample(final float[] modelOutput, final float[] sample, final float sigma) {
			final float alpha = alphaOf(sigma), sigmaT = sigma * alpha;
			final float[] x0 = new float[sample.length];
			for (int i = 0; i < x0.length; i++) {
				x0[i] = switch (prediction) {
					case EPSILON -> (sample[i] - sigmaT * modelOutput[i]) / alpha;
					case SAMPLE -> modelOutput[i];
					case V_PREDICTION -> alpha * sample[i] - sigmaT * modelOutput[i];
				};
			}
			return x0;
		}

		/** 2. DPM-Solver++(1), the DDIM step: x_t = (sigma_t / sigma_s) x_s - alpha_t (e^-h - 1) x_0. */
		private float[] firstOrder(final float[] x0, final int index, final float[] sample) {
			final float[] c = firstOrderCoefficients(index);
			final float sampleCoeff = c[0], x0Coeff = c[1];
			final float[] x = new float[sample.length];
			for (int i = 0; i < x.length; i++) x[i] = sampleCoeff * sample[i] - x0Coeff * x0[i];
			return x;
		}

		/**
		 * 3. DPM-Solver++(2M), Algorithm 2: D0 = m0, D1 = (m0 - m1) / r0 with r0 = h_{i-1} / h_i; midpoint:
		 * x_t = (sigma_t / sigma_s0) x - alpha_t (e^-h - 1) (D0 + D1 / 2); Heun replaces the D1 coefficient.
		 */
		private float[] secondOrder(final float[] m0, final float[] m1, final int index, final float[] sample) {
			final float[] c = secondOrderCoefficients(index);
			final float sampleCoeff = c[0], d0Coeff = c[1], d1Coeff = c[2], d1Scale = c[3];
			final float[] x = new float[sample.length];
			for (int i = 0; i < x.length; i++) {
				final float d1 = d1Scale * (m0[i] - m1[i]);
				x[i] = heun ? sampleCoeff * sample[i] - d0Coeff * m0[i] + d1Coeff * d1 : sampleCoeff * sample[i] -
					d0Coeff * m0[i] - d1Coeff * d1;
			}
			return x;
		}
	}

	/** alpha_t = 1 / sqrt(sigma^2 + 1), the VP signal scale of VE noise level sigma. */
	private static float alphaOf(final float sigma) {
		return 1 / sqrt(sigma * sigma + 1);
	}

	/** The half log-SNR lambda_t = log(alpha_t) - log(sigma_t). */
	private static float lambda(final float alpha, final float sigma) {
		return log(alpha) - log(sigma);
	}

	/** q(x_t | x_0) in the solver's own parametrisation: alpha_t x_0 + sigma_t noise (diffusers' add_noise). */
	@Override
	public float[] addNoise(final float[] original, final float[] noise, final long timestep) {
		Schedulers.checkTimestep(timestep, schedule.trainTimesteps());
		Schedulers.checkLengths(original, original.length, noise, noise, true);
		final float sigma = trainSigmas[(int) timestep];
		final float alpha = alphaOf(sigma), sigmaT = sigma * alpha;
		final float[] noisy = new float[original.length];
		for (int i = 0; i < noisy.length; i++) noisy[i] = alpha * original[i] + sigmaT * noise[i];
		return noisy;
	}

	@Override
	public NDArray addNoise(final NDArray original, final NDArray noise, final long timestep) {
		Schedulers.checkTimestep(timestep, schedule.trainTimesteps());
		final float sigma = trainSigmas[(int) timestep];
		final float alpha = alphaOf(sigma), sigmaT = sigma * alpha;
		return original.mul(alpha).add(noise.mul(sigmaT));
	}
}
