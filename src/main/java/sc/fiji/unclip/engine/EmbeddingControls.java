package sc.fiji.unclip.engine;

import java.util.List;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.ProgressListener;

/**
 * DALL-E 2's embedding controls (Ramesh et al. 2022, sec. 3), written once for every kind that offers an
 * {@link EmbeddingSpace}: interpolation slerps between two embeddings with the decoder's noise (or inverted
 * latent) held fixed, text diffs slerp an image's embedding towards the normalised difference of two text
 * embeddings.
 */
final class EmbeddingControls {

	/** An end of an interpolation at the model's resolution: a source tensor and its pixels, or a prompt. */
	record End(float[] tensor, SourceImage pixels, String prompt) {}

	private final EmbeddingSpace space;

	EmbeddingControls(final EmbeddingSpace space) {
		this.space = space;
	}

	/**
	 * Frames [weights.size(),3,R,R] in [-1,1]: frame k decodes slerp(z_from, z_to, weights[k]), every frame
	 * with the same noise from {@code seed} (and, with {@code invert}, from the inverted {@code from} image).
	 */
	float[] interpolate(final End from, final End to, final List<Double> weights, final long seed,
		final boolean invert, final EmbeddedGenerator.Settings s, final ProgressListener progress,
		final Cancellation cancellation)
	{
		final float[] a = embedding(from, s, seed, progress, cancellation);
		final float[] b = embedding(to, s, seed, progress, cancellation);
		final int frames = weights.size(), d = space.dimension();
		final float[] embeddings = new float[frames * d];
		for (int k = 0; k < frames; k++)
			System.arraycopy(space.between(a, b, weights.get(k)), 0, embeddings, k * d, d);
		final float[] start = invert ? space.invert(from.tensor(), a, s, progress, cancellation) : null;
		return space.decode(embeddings, frames, start, s, new RepeatedNoise(new SeededNoise(seed, 1)), progress,
			cancellation);
	}

	/** n images [n,3,R,R] of slerp(z_i, normalise(z_t(to) - z_t(from)), amount); image i from seed + i. */
	float[] textDiff(final End image, final String fromPrompt, final String toPrompt, final double amount,
		final int n, final long seed, final boolean invert, final EmbeddedGenerator.Settings s,
		final ProgressListener progress, final Cancellation cancellation)
	{
		final float[] zi = space.imageEmbedding(image.tensor(), image.pixels(), cancellation);
		final float[] zd = SphericalInterpolation.direction(space.textEmbedding(fromPrompt, cancellation), space
			.textEmbedding(toPrompt, cancellation));
		final float[] edited = SphericalInterpolation.slerp(zi, zd, amount);
		final float[] embeddings = new float[n * edited.length];
		for (int i = 0; i < n; i++)
			System.arraycopy(edited, 0, embeddings, i * edited.length, edited.length);
		final float[] start = invert ? space.invert(image.tensor(), zi, s, progress, cancellation) : null;
		return space.decode(embeddings, n, start, s, new SeededNoise(seed, n), progress, cancellation);
	}

	private float[] embedding(final End end, final EmbeddedGenerator.Settings s, final long seed,
		final ProgressListener progress, final Cancellation cancellation)
	{
		if (end.prompt() != null) return space.promptEmbedding(end.prompt(), s, new SeededNoise(seed, 1),
			progress, cancellation);
		return space.imageEmbedding(end.tensor(), end.pixels(), cancellation);
	}
}
