package sc.fiji.unclip.engine.karlo;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.engine.NoiseSource;

/**
 * Inpainting with a model that has no inpainting decoder: the prompt's image embedding is decoded while the
 * known region is replaced by the noised source after every decoder and super-resolution step
 * ({@link Decoding}). At the decoder's resolution a pixel counts as known only when every output pixel it
 * covers is; the source there is the average of those pixels. The engine's pixel-space composite
 * (EmbeddedGenerator) then keeps every pixel outside the mask bit-identical.
 */
final class Inpainting {

	private Inpainting() {}

	/**
	 * @param source [1,3,R,R] in [-1, 1]
	 * @param mask [R * R], 1 = regenerate
	 * @return the image embeddings [n,D] and the image [n,3,R,R] in [0, 1]
	 */
	static NDArray[] run(final Karlo model, final NDManager manager, final List<String> prompts,
		final float[] source, final float[] mask, final Prior prior, final Decoding decoding,
		final NoiseSource noise, final ProgressListener progress, final Cancellation cancellation)
	{
		final int r = model.base, big = model.output;
		final NDArray src = manager.create(java.util.Arrays.copyOf(source, 3 * big * big), new Shape(1, 3, big, big));
		final NDArray repaint = manager.create(java.util.Arrays.copyOf(mask, big * big), new Shape(1, 1, big, big));
		final int f = big / r;
		final NDArray repaintBase = repaint.reshape(1, 1, r, f, r, f).max(new int[] { 5 }).max(new int[] { 3 });
		final Decoding.Known known = new Decoding.Known(averaged(src, r), repaintBase.neg().add(1f), src, repaint
			.neg().add(1f));
		cancellation.check();
		final Karlo.Text text = model.encodeText(manager, prompts);
		final NDArray embeds = prior.run(manager, text, noise, progress, cancellation);
		return new NDArray[] { embeds, decoding.run(manager, text, embeds, null, known, noise, progress,
			cancellation) };
	}

	/** [b,c,R,R] averaged over R/r x R/r blocks to [b,c,r,r]. */
	static NDArray averaged(final NDArray image, final int r) {
		final long b = image.getShape().get(0), c = image.getShape().get(1), big = image.getShape().get(2);
		final long f = big / r;
		return image.reshape(b, c, r, f, r, f).mean(new int[] { 5 }).mean(new int[] { 3 });
	}
}
