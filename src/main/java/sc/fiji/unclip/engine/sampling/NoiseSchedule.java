package sc.fiji.unclip.engine.sampling;

import java.util.List;

import ai.djl.ndarray.NDArray;

/**
 * The forward process every scheduler shares: betas, alphas = 1 - beta and alpha_bar (the cumulative product),
 * over {@code num_train_timesteps}, computed in float32 exactly as diffusers does (its {@code betas} are float32
 * tensors; torch's {@code cumprod} accumulates in double on the CPU).
 */
record NoiseSchedule(float[] betas, float[] alphas, float[] alphasCumprod) {

	static final String[] BETA_SCHEDULES = { "linear", "scaled_linear", "squaredcos_cap_v2" };

	/**
	 * Reads {@code num_train_timesteps}, {@code beta_schedule}, {@code beta_start}, {@code beta_end}.
	 *
	 * @param defaultSchedule the scheduler's default {@code beta_schedule}
	 */
	static NoiseSchedule of(final DiffusersConfig config, final String defaultSchedule) {
		config.requireUnset(List.of("trained_betas"));
		config.requireOff("rescale_betas_zero_snr");
		final int n = config.integer("num_train_timesteps", 1000);
		if (n < 2) throw config.unsupported("num_train_timesteps", n, "at least 2");
		final double start = config.number("beta_start", 0.0001);
		final double end = config.number("beta_end", 0.02);
		final float[] betas = switch (config.choice("beta_schedule", defaultSchedule, BETA_SCHEDULES)) {
			case "linear" -> linspace((float) start, (float) end, n);
			case "scaled_linear" -> squared(linspace((float) Math.sqrt(start), (float) Math.sqrt(end), n));
			default -> squaredCosine(n);
		};
		return fromBetas(betas);
	}

	static NoiseSchedule fromBetas(final float[] betas) {
		final float[] alphas = new float[betas.length];
		final float[] cumprod = new float[betas.length];
		double product = 1;
		for (int i = 0; i < betas.length; i++) {
			alphas[i] = 1.0f - betas[i];
			product *= alphas[i];
			cumprod[i] = (float) product;
		}
		return new NoiseSchedule(betas, alphas, cumprod);
	}

	int trainTimesteps() {
		return betas.length;
	}

	/**
	 * torch.linspace in float32: from both ends towards the middle, so each end is exact; torch's CPU build
	 * contracts {@code start + step * i} into one fused multiply-add, so we do too.
	 */
	private static float[] linspace(final float start, final float end, final int n) {
		final float step = (end - start) / (n - 1);
		final int halfway = n / 2;
		final float[] x = new float[n];
		for (int i = 0; i < n; i++) {
			x[i] = i < halfway ? Math.fma(step, (float) i, start) : Math.fma(-step, (float) (n - i - 1), end);
		}
		return x;
	}

	private static float[] squared(final float[] x) {
		for (int i = 0; i < x.length; i++) x[i] = x[i] * x[i];
		return x;
	}

	/**
	 * GLIDE's cosine schedule (Nichol and Dhariwal, improved DDPM, eq. 17): beta_t = 1 - alpha_bar(t+1) /
	 * alpha_bar(t) with alpha_bar(t) = cos((t/T + 0.008) / 1.008 * pi/2)^2, capped at 0.999; in double, as
	 * diffusers' Python computes it, then rounded to float32.
	 */
	private static float[] squaredCosine(final int n) {
		final float[] betas = new float[n];
		for (int i = 0; i < n; i++) {
			final double t1 = (double) i / n, t2 = (double) (i + 1) / n;
			betas[i] = (float) Math.min(1 - alphaBar(t2) / alphaBar(t1), 0.999);
		}
		return betas;
	}

	private static double alphaBar(final double t) {
		final double c = Math.cos((t + 0.008) / 1.008 * Math.PI / 2);
		return c * c;
	}

	/**
	 * The forward process q(x_t | x_0) = N(sqrt(alpha_bar_t) x_0, (1 - alpha_bar_t) I) (DDPM formula (4)),
	 * diffusers' {@code add_noise} of DDPM, DDIM and UnCLIP.
	 */
	float[] addNoise(final float[] original, final float[] noise, final long timestep) {
		Schedulers.checkTimestep(timestep, trainTimesteps());
		Schedulers.checkLengths(original, original.length, noise, noise, true);
		final float alphaProd = alphasCumprod[(int) timestep];
		final float sqrtAlphaProd = Float32Math.sqrt(alphaProd), sqrtBetaProd = Float32Math.sqrt(1 - alphaProd);
		final float[] noisy = new float[original.length];
		for (int i = 0; i < noisy.length; i++) noisy[i] = sqrtAlphaProd * original[i] + sqrtBetaProd * noise[i];
		return noisy;
	}

	/** {@link #addNoise(float[], float[], long)} on native tensors (shapes broadcast as torch's). */
	NDArray addNoise(final NDArray original, final NDArray noise, final long timestep) {
		Schedulers.checkTimestep(timestep, trainTimesteps());
		final float alphaProd = alphasCumprod[(int) timestep];
		return original.mul(Float32Math.sqrt(alphaProd)).add(noise.mul(Float32Math.sqrt(1 - alphaProd)));
	}
}
