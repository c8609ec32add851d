package sc.fiji.unclip.engine;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.ProgressListener;

/**
 * The parts of a kind's pipeline that the paper's embedding controls (DALL-E 2 sec. 3: interpolation, text
 * diffs) need: CLIP embeddings of images and prompts, and a decoder that starts from a given image
 * embedding. The controls themselves ({@link EmbeddingControls}) are written once on top of this.
 */
public interface EmbeddingSpace {

	/** The embedding's length D. */
	int dimension();

	/**
	 * CLIP image embedding z_i of a source, as the decoder takes it (L2-normalised unless {@link #between}
	 * says otherwise).
	 *
	 * @param source [1,3,R,R] in [-1,1] at the model's resolution
	 * @param pixels the same image before resizing, for kinds with their own preprocessing
	 */
	float[] imageEmbedding(float[] source, SourceImage pixels, Cancellation cancellation);

	/**
	 * The embedding a fraction w of the way from a to b: their slerp (unit embeddings), unless the kind's
	 * decoder takes embeddings of another length.
	 */
	default float[] between(final float[] a, final float[] b, final double w) {
		return SphericalInterpolation.slerp(a, b, w);
	}

	/** CLIP text embedding z_t of a prompt, L2-normalised. */
	float[] textEmbedding(String prompt, Cancellation cancellation);

	/** The image embedding the prior makes for a prompt (one draw, from {@code noise} of batch 1). */
	float[] promptEmbedding(String prompt, EmbeddedGenerator.Settings settings, NoiseSource noise,
		ProgressListener progress,
		Cancellation cancellation);

	/**
	 * The decoder's starting latent that gives {@code source} back when decoded with its own embedding (DDIM
	 * inversion), or null where the kind cannot invert its decoder.
	 *
	 * @param source [1,3,R,R] in [-1,1]
	 */
	float[] invert(float[] source, float[] imageEmbedding, EmbeddedGenerator.Settings settings,
		ProgressListener progress, Cancellation cancellation);

	/**
	 * Decodes n image embeddings [n,D] into images [n,3,R,R] in [-1,1].
	 *
	 * @param start one starting latent (from {@link #invert}) used for every image, or null: noise from
	 *          {@code noise}
	 */
	float[] decode(float[] embeddings, int n, float[] start, EmbeddedGenerator.Settings settings,
		NoiseSource noise, ProgressListener progress, Cancellation cancellation);
}
