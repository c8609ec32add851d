package sc.fiji.unclip.engine.sampling;

import com.google.gson.JsonObject;

import ai.djl.ndarray.NDArray;

/**
 * DDIM run backwards (Song et al. 2021, sec. 4.3; DALL-E 2 sec. 3.1 inverts its decoder this way): from a
 * clean sample x_0 up to the first timestep DDIM sampling starts from, so that sampling from the result
 * with the same conditioning gives the sample back (within the ODE's discretisation error). As a
 * {@link SamplingRun} a pipeline runs it through its ordinary denoising loop: timesteps ascending, each step
 * moving from the previous (lower) timestep to this one along the noise the model predicts at this one, as
 * diffusers' {@code DDIMInverseScheduler} does. Only the {@code epsilon} prediction of the decoders here.
 */
public final class DdimInversion {

	private final NoiseSchedule schedule;
	private final TimestepSpacing spacing;
	private final int stepsOffset;

	/** @param diffusersConfig the stage's scheduler config (the one its DDIM sampling uses) */
	public DdimInversion(final JsonObject diffusersConfig) {
		final DiffusersConfig config = new DiffusersConfig("ddim", diffusersConfig);
		config.predictionType(PredictionType.EPSILON);
		schedule = NoiseSchedule.of(config, "linear");
		spacing = TimestepSpacing.of(config, "leading");
		stepsOffset = config.integer("steps_offset", 0);
	}

	/** A run of {@code steps} that ends at the timestep DDIM's run of {@code steps} starts from. */
	public SamplingRun start(final int steps) {
		final int trainSteps = schedule.trainTimesteps();
		Schedulers.checkSteps("ddim inversion", steps, 1, trainSteps);
		final long[] descending = spacing.timesteps(trainSteps, steps, stepsOffset);
		final long[] ascending = new long[descending.length];
		for (int i = 0; i < ascending.length; i++)
			ascending[i] = descending[descending.length - 1 - i];
		final int ratio = trainSteps / steps;
		return new SamplingRun() {

			@Override
			public long[] timesteps() {
				return ascending.clone();
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
			public float[] step(final float[] eps, final int index, final float[] sample, final float[] noise) {
				Schedulers.checkLengths(eps, sample.length, sample, null, false);
				final int t = (int) ascending[index];
				// alpha_bar of where the sample is now (the clean end: 1) and of where it goes
				final float from = t - ratio >= 0 ? schedule.alphasCumprod()[t - ratio] : 1f;
				final float to = schedule.alphasCumprod()[t];
				final float sqrtFrom = (float) Math.sqrt(from), sqrtBetaFrom = (float) Math.sqrt(1 - from);
				final float sqrtTo = (float) Math.sqrt(to), sqrtBetaTo = (float) Math.sqrt(1 - to);
				final float[] next = new float[sample.length];
				for (int i = 0; i < sample.length; i++) {
					// predicted x_0, formula (12), then the same formula with the roles of the timesteps swapped
					final float x0 = (sample[i] - sqrtBetaFrom * eps[i]) / sqrtFrom;
					next[i] = sqrtTo * x0 + sqrtBetaTo * eps[i];
				}
				return next;
			}

			@Override
			public NDArray step(final NDArray modelOutput, final int index, final NDArray sample,
				final NDArray noise)
			{
				throw new UnsupportedOperationException("DDIM inversion runs on float arrays");
			}
		};
	}
}
