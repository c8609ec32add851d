package sc.fiji.unclip.engine.kandinsky22;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.engine.GuidedDenoising;
import sc.fiji.unclip.engine.NoiseSource;
import sc.fiji.unclip.engine.SourceImage;
import sc.fiji.unclip.engine.sampling.SamplingRun;
import sc.fiji.unclip.engine.sampling.Scheduler;

/**
 * diffusers' {@code KandinskyV22InpaintPipeline}: the 9-channel UNet sees [latents, masked image latents,
 * mask]; after every step the known region is replaced by the source's latents noised to the next
 * timestep with the initial noise, and at the end by the clean source latents. The mask (white = repaint)
 * is binarised at 0.5, inverted, resized nearest to the latents and eroded by diffusers' asymmetric
 * {@code prepare_mask}. Diffusers composites only in latent space: the decoded image differs outside the
 * mask too, so the engine composites in pixel space afterwards (EmbeddedGenerator, InpaintRegion).
 */
final class Inpainting {

	private static final String STAGE = "inpaint_decoder";

	private final Kandinsky22 model;

	Inpainting(final Kandinsky22 model) {
		this.model = model;
	}

	/**
	 * @param mask [height * width], &ge; 0.5 = repaint
	 * @return [n,3,height,width] in [0, 1], before any pixel-space composite
	 */
	NDArray run(final NDManager manager, final Prior.Embeddings embeddings, final SourceImage source,
		final float[] mask, final int width, final int height, final int steps, final double guidance,
		final String scheduler, final NoiseSource noise, final ProgressListener progress,
		final Cancellation cancellation)
	{
		final int n = (int) embeddings.image().getShape().get(0);
		final GuidedDenoising denoising = new GuidedDenoising("decoder", guidance, model.learnedVariance(STAGE,
			scheduler));
		final NDArray embeds = embeddings.forDecoder(denoising.guided());
		final Scheduler s = model.scheduler(STAGE, scheduler);
		final SamplingRun run = s.start(steps);
		final long[] timesteps = run.timesteps();
		cancellation.check();
		// prepare_mask_and_masked_image: u / 127.5 - 1 in float32
		final NDArray image = model.movqEncode(Kandinsky22.pixels(manager, source, width, height, u -> u / 127.5f -
			1f), true);
		final int h = (int) image.getShape().get(2), w = (int) image.getShape().get(3);
		final NDArray keep = manager.create(prepareMask(nearest(keepMask(mask), width, height, w, h), w, h),
			new Shape(1, 1, h, w));
		final NDArray masked = image.mul(keep);
		final int copies = denoising.guided() ? 2 * n : n;
		final NDArray keepBatch = keep.repeat(0, copies), maskedBatch = masked.repeat(0, copies);
		final Shape shape = new Shape(n, model.latentChannels, h, w);
		final NDArray init = manager.create(noise.draw("decoder.init", n, (int) (shape.size() / n)), shape).mul(
			run.initNoiseSigma());
		final NDArray initialNoise = init.duplicate();
		final NDArray known = keep.neg().add(1);
		final NDArray latents = denoising.run(run, 0, init, new NDList(embeds, image, keep, known,
			initialNoise, maskedBatch, keepBatch), (x, t, index) -> model.components.call(
			Kandinsky22.INPAINT_DECODER, new NDList(NDArrays.concat(new NDList(x, maskedBatch, keepBatch), 1), t,
				embeds)).head(), (x, index) -> {
					final NDArray proper = index < timesteps.length - 1 ? s.addNoise(image, initialNoise,
						timesteps[index + 1]) : image;
					return keep.mul(proper).add(known.mul(x));
				}, noise, progress, cancellation);
		final NDArray composed = keep.mul(image).add(known.mul(latents));
		return model.movqDecode(composed, true, progress, cancellation);
	}

	/** Binarised at 0.5 and inverted: 1 = keep. */
	static float[] keepMask(final float[] repaint) {
		final float[] keep = new float[repaint.length];
		for (int i = 0; i < keep.length; i++)
			keep[i] = repaint[i] >= 0.5f ? 0f : 1f;
		return keep;
	}

	/** torch's F.interpolate(mode="nearest"): source index floor(i * (in / out)) in float32. */
	static float[] nearest(final float[] in, final int inW, final int inH, final int outW, final int outH) {
		final float sx = (float) inW / outW, sy = (float) inH / outH;
		final float[] out = new float[outW * outH];
		for (int y = 0; y < outH; y++) {
			final int iy = Math.min((int) Math.floor(y * sy), inH - 1);
			for (int x = 0; x < outW; x++)
				out[y * outW + x] = in[iy * inW + Math.min((int) Math.floor(x * sx), inW - 1)];
		}
		return out;
	}

	/**
	 * diffusers' {@code prepare_mask}: every pixel to repaint (0) also clears its neighbours above, left,
	 * above-left, below, right and below-right (not the other diagonal), judged on the unchanged mask.
	 */
	static float[] prepareMask(final float[] keep, final int w, final int h) {
		final float[] out = keep.clone();
		for (int i = 0; i < h; i++)
			for (int j = 0; j < w; j++) {
				if (keep[i * w + j] == 1) continue;
				if (i != 0) out[(i - 1) * w + j] = 0;
				if (j != 0) out[i * w + j - 1] = 0;
				if (i != 0 && j != 0) out[(i - 1) * w + j - 1] = 0;
				if (i != h - 1) out[(i + 1) * w + j] = 0;
				if (j != w - 1) out[i * w + j + 1] = 0;
				if (i != h - 1 && j != w - 1) out[(i + 1) * w + j + 1] = 0;
			}
		return out;
	}
}
