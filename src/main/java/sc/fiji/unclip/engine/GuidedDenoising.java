package sc.fiji.unclip.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.engine.sampling.SamplingRun;

/**
 * The denoising loop with classifier-free guidance as diffusers' pipelines run it, on native tensors: per
 * step the latents are doubled to the batch [uncond; cond], the network's output is split into its
 * prediction and (when it has one) its learned variance along dimension 1, the prediction is guided as
 * {@code u + g (c - u)}, the variance of the conditional half kept when the scheduler uses it, and the
 * scheduler steps with the step noise {@code <stage>.step.<k>}. Each step's temporaries live in a scope
 * closed at its end; only the new latents stay.
 */
public final class GuidedDenoising {

	/** The network of a stage: its output for the (doubled) latents at timestep {@code t}. */
	@FunctionalInterface
	public interface Network {

		/** @param t int64 [batch] filled with the timestep */
		NDArray predict(NDArray latents, NDArray t, int index);
	}

	/** What happens to the latents after each scheduler step (inpainting re-noises the known region). */
	@FunctionalInterface
	public interface AfterStep {

		AfterStep NONE = (latents, index) -> latents;

		NDArray apply(NDArray latents, int index);
	}

	private final String stage;
	private final double guidance;
	private final boolean keepVariance;

	/**
	 * @param stage the progress and noise name of the stage ({@code prior}, {@code decoder})
	 * @param guidance guidance scale; guidance only applies above 1, as in diffusers
	 * @param keepVariance whether the scheduler reads a learned variance (diffusers keeps it for
	 *          {@code variance_type} learned or learned_range)
	 */
	public GuidedDenoising(final String stage, final double guidance, final boolean keepVariance) {
		this.stage = stage;
		this.guidance = guidance;
		this.keepVariance = keepVariance;
	}

	public boolean guided() {
		return guidance > 1;
	}

	/**
	 * Runs steps {@code start ..} of {@code run} from {@code latents} (which stay the caller's) and closes
	 * the run; the result lives in {@code latents}' manager.
	 *
	 * @param constants tensors the network or {@code afterStep} compute with (conditioning, masks): attached
	 *          to each step's scope while it runs so that their temporaries are freed with it
	 */
	public NDArray run(final SamplingRun run, final int start, final NDArray latents, final NDList constants,
		final Network network, final AfterStep afterStep, final NoiseSource noise, final ProgressListener progress,
		final Cancellation cancellation)
	{
		try (run) {
			return steps(run, start, latents, constants, network, afterStep, noise, progress, cancellation);
		}
	}

	private NDArray steps(final SamplingRun run, final int start, final NDArray latents, final NDList constants,
		final Network network, final AfterStep afterStep, final NoiseSource noise, final ProgressListener progress,
		final Cancellation cancellation)
	{
		final long[] timesteps = run.timesteps();
		final int total = timesteps.length - start;
		final NDManager scope = latents.getManager();
		final long batch = latents.getShape().get(0);
		final long channels = latents.getShape().get(1);
		NDArray x = latents;
		for (int k = 0; k < total; k++) {
			cancellation.check();
			final int index = start + k;
			final NDArray next;
			try (NDManager step = scope.newSubManager()) {
				// results of tensor operations live with their first operand: in this step's scope
				step.tempAttachAll(x);
				for (final NDArray c : constants)
					step.tempAttachAll(c);
				final NDArray input = guided() ? NDArrays.concat(new NDList(x, x), 0) : x;
				final NDArray t = step.full(new Shape(input.getShape().get(0)), timesteps[index], DataType.INT64);
				final NDArray out = network.predict(input, t, index);
				final NDArray prediction = guided() ? guide(out, channels) : variance(out, channels, out);
				final NDArray stepNoise = run.needsNoise(index) ? step.create(noise.draw(stage + ".step." + k,
					(int) batch, (int) (x.size() / batch)), x.getShape()) : null;
				next = afterStep.apply(run.step(prediction, index, x, stepNoise), index);
				next.attach(scope);
			}
			if (x != latents) x.close();
			x = next;
			progress.progress(stage, k + 1, total);
		}
		return x;
	}

	/** u + g (c - u) on the prediction channels; the cond half's variance when kept. */
	private NDArray guide(final NDArray out, final long channels) {
		final NDList halves = out.split(2, 0);
		final NDArray uncond = prediction(halves.get(0), channels), cond = prediction(halves.get(1), channels);
		final NDArray guidedPrediction = uncond.add(cond.sub(uncond).mul((float) guidance));
		return variance(halves.get(1), channels, guidedPrediction);
	}

	private static NDArray prediction(final NDArray out, final long channels) {
		return out.getShape().get(1) == 2 * channels ? out.split(new long[] { channels }, 1).get(0) : out;
	}

	/** The prediction, with the variance channels of {@code source} appended when the scheduler reads them. */
	private NDArray variance(final NDArray source, final long channels, final NDArray prediction) {
		final boolean hasVariance = source.getShape().get(1) == 2 * channels;
		if (!hasVariance) return prediction;
		if (!keepVariance) return prediction(prediction, channels);
		if (prediction == source) return source;
		return prediction.concat(source.split(new long[] { channels }, 1).get(1), 1);
	}
}
