package sc.fiji.unclip.engine.kandinsky22;

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
 * diffusers' {@code KandinskyV22Pipeline}: image embeddings to an image. The UNet denoises MoVQ latents of
 * ceil(px / 64) * 8 a side conditioned on [negative; image] embeddings, and MoVQ decodes them.
 */
final class TextToImage {

	private final Kandinsky22 model;

	TextToImage(final Kandinsky22 model) {
		this.model = model;
	}

	/** @return [n,3,height,width] in [0, 1] */
	NDArray run(final NDManager manager, final Prior.Embeddings embeddings, final int width, final int height,
		final int steps, final double guidance, final String scheduler, final NoiseSource noise,
		final ProgressListener progress, final Cancellation cancellation)
	{
		final int n = (int) embeddings.image().getShape().get(0);
		final GuidedDenoising denoising = new GuidedDenoising("decoder", guidance, model.learnedVariance(
			"decoder", scheduler));
		final NDArray embeds = embeddings.forDecoder(denoising.guided());
		final SamplingRun run = model.scheduler("decoder", scheduler).start(steps);
		final Shape shape = new Shape(n, model.latentChannels, model.latentSide(height), model.latentSide(width));
		final NDArray init = manager.create(noise.draw("decoder.init", n, (int) (shape.size() / n)), shape).mul(
			run.initNoiseSigma());
		final NDArray latents = denoising.run(run, 0, init, new NDList(embeds), (x, t, index) -> model.components.call(
			Kandinsky22.DECODER, new NDList(x, t, embeds)).head(), GuidedDenoising.AfterStep.NONE, noise, progress,
			cancellation);
		return model.movqDecode(latents, false, progress, cancellation);
	}
}
