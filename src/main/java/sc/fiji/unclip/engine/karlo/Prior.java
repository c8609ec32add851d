package sc.fiji.unclip.engine.karlo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.engine.GuidedDenoising;
import sc.fiji.unclip.engine.NoiseSource;
import sc.fiji.unclip.engine.sampling.SamplingRun;

/**
 * The prior of diffusers' {@code UnCLIPPipeline}: CLIP text to CLIP image embedding with the UnCLIP scheduler
 * (predicting the sample, clipped to the config's range), guided against the empty prompt with its attention
 * mask, post-processed ({@code * clip_std + clip_mean}) and not normalised.
 */
final class Prior {

	private final Karlo model;
	private final int steps;
	private final double guidance;

	Prior(final Karlo model, final int steps, final double guidance) {
		this.model = model;
		this.steps = steps;
		this.guidance = guidance;
	}

	/** @return image embeddings [n,D] */
	NDArray run(final NDManager manager, final Karlo.Text text, final NoiseSource noise,
		final ProgressListener progress, final Cancellation cancellation)
	{
		final int n = text.n(), dim = model.embeddingDim;
		final GuidedDenoising denoising = new GuidedDenoising("prior", guidance, false);
		final NDList conditioning = denoising.guided() ? text.both() : text.conditional();
		final SamplingRun run = model.scheduler("prior", null).start(steps);
		final NDArray init = manager.create(noise.draw("prior.init", n, dim), new Shape(n, dim)).mul(run
			.initNoiseSigma());
		final NDArray latents = denoising.run(run, 0, init, conditioning, (x, t, index) -> model.components.call(
			Karlo.PRIOR, new NDList(x, t, conditioning.get(0), conditioning.get(1), conditioning.get(2))).head(),
			GuidedDenoising.AfterStep.NONE, noise, progress, cancellation);
		return model.components.call(Karlo.PRIOR_POST, new NDList(latents)).head();
	}
}
