package sc.fiji.unclip.engine.kandinsky22;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.UnclipException;
import sc.fiji.unclip.engine.GuidedDenoising;
import sc.fiji.unclip.engine.NoiseSource;
import sc.fiji.unclip.engine.SourceImage;
import sc.fiji.unclip.engine.sampling.SamplingRun;
import sc.fiji.unclip.engine.sampling.Scheduler;

/**
 * diffusers' {@code KandinskyV22Img2ImgPipeline}: the source resized to the output size (Pillow bicubic),
 * scaled to [-1, 1] as {@code 2 (u / 255) - 1}, MoVQ-encoded and noised to the first of the last
 * {@code int(steps * strength)} timesteps with the noise {@code decoder.vary}; those steps are denoised.
 */
final class ImageToImage {

	private final Kandinsky22 model;

	ImageToImage(final Kandinsky22 model) {
		this.model = model;
	}

	/** @return [n,3,height,width] in [0, 1] */
	NDArray run(final NDManager manager, final Prior.Embeddings embeddings, final SourceImage source,
		final double strength, final int width, final int height, final int steps, final double guidance,
		final String scheduler, final NoiseSource noise, final ProgressListener progress,
		final Cancellation cancellation)
	{
		final int n = (int) embeddings.image().getShape().get(0);
		final Scheduler s = model.scheduler("decoder", scheduler);
		final SamplingRun run = s.start(steps);
		// get_timesteps
		final int initTimestep = Math.min((int) (steps * strength), steps);
		final int start = Math.max(steps - initTimestep, 0);
		if (start >= run.timesteps().length) throw new UnclipException("Strength " + strength + " leaves none " +
			"of the " + steps + " steps to run; raise the strength or the steps.");
		final GuidedDenoising denoising = new GuidedDenoising("decoder", guidance, model.learnedVariance(
			"decoder", scheduler));
		final NDArray embeds = embeddings.forDecoder(denoising.guided());
		cancellation.check();
		// VaeImageProcessor.preprocess: 2 * (u / 255) - 1 in float32
		final NDArray encoded = model.movqEncode(Kandinsky22.pixels(manager, source, width, height, u -> 2f * (u /
			255f) - 1f), false).repeat(0, n);
		final Shape shape = encoded.getShape();
		final NDArray vary = manager.create(noise.draw("decoder.vary", n, (int) (shape.size() / n)), shape);
		final NDArray init = s.addNoise(encoded, vary, run.timesteps()[start]);
		final NDArray latents = denoising.run(run, start, init, new NDList(embeds), (x, t, index) -> model.components.call(
			Kandinsky22.DECODER, new NDList(x, t, embeds)).head(), GuidedDenoising.AfterStep.NONE, noise, progress,
			cancellation);
		return model.movqDecode(latents, false, progress, cancellation);
	}
}
