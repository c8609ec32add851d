package sc.fiji.unclip.engine.sampling;

/**
 * How {@code steps} inference timesteps are picked from the training timesteps (diffusers'
 * {@code timestep_spacing}; "Common Diffusion Noise Schedules and Sample Steps are Flawed", Table 2). The
 * arithmetic follows numpy's {@code linspace}, {@code arange} and {@code round} (half to even) in double, so
 * the integers come out the same as diffusers'.
 */
enum TimestepSpacing {

	LEADING("leading"), TRAILING("trailing"), LINSPACE("linspace");

	static final String[] NAMES = { "leading", "trailing", "linspace" };

	final String configName;

	TimestepSpacing(final String configName) {
		this.configName = configName;
	}

	static TimestepSpacing of(final DiffusersConfig config, final String defaultName) {
		final String name = config.choice("timestep_spacing", defaultName, NAMES);
		for (final TimestepSpacing s : values()) if (s.configName.equals(name)) return s;
		throw new AssertionError(name);
	}

	/** DDPM's and DDIM's {@code set_timesteps}: descending timesteps below {@code trainSteps}. */
	long[] timesteps(final int trainSteps, final int steps, final int stepsOffset) {
		return switch (this) {
			case LINSPACE -> descending(linspace(trainSteps - 1, steps));
			case LEADING -> {
				final long[] t = descending(multiples(trainSteps / steps, steps));
				for (int i = 0; i < t.length; i++) t[i] += stepsOffset;
				yield t;
			}
			case TRAILING -> {
				final long[] t = roundedArange(trainSteps, (double) trainSteps / steps);
				for (int i = 0; i < t.length; i++) t[i] -= 1;
				yield t;
			}
		};
	}

	/** {@code np.linspace(0, stop, num).round()} (ascending). */
	static long[] linspace(final double stop, final int num) {
		final long[] t = new long[num];
		final double step = num > 1 ? stop / (num - 1) : Double.NaN;
		for (int i = 0; i < num; i++) t[i] = (long) Math.rint(num > 1 ? i * step : 0);
		if (num > 1) t[num - 1] = (long) Math.rint(stop);
		return t;
	}

	/** {@code (np.arange(0, num) * ratio).round()} (ascending). */
	static long[] multiples(final double ratio, final int num) {
		final long[] t = new long[num];
		for (int i = 0; i < num; i++) t[i] = (long) Math.rint(i * ratio);
		return t;
	}

	/**
	 * {@code np.arange(start, 0, -step).round()} (descending). numpy sizes it as ceil(start / step) and fills
	 * it from its first two values, start + i * ((start - step) - start), which we repeat to get the same
	 * roundings.
	 */
	static long[] roundedArange(final double start, final double step) {
		final int n = (int) Math.ceil((0 - start) / -step);
		final double delta = (start + -step) - start;
		final long[] t = new long[n];
		for (int i = 0; i < n; i++) t[i] = (long) Math.rint(i == 0 ? start : start + i * delta);
		return t;
	}

	static long[] descending(final long[] ascending) {
		final long[] t = new long[ascending.length];
		for (int i = 0; i < t.length; i++) t[i] = ascending[t.length - 1 - i];
		return t;
	}
}
