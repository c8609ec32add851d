package sc.fiji.unclip;

import java.util.ArrayList;
import java.util.List;

/**
 * A series between two embeddings (DALL-E 2 sec. 3.2): frame k decodes slerp(z_from, z_to, weights[k]), all
 * frames with the same decoder noise (from {@code seed}) so that only the content moves.
 *
 * @param from the start (weight 0)
 * @param to the end (weight 1)
 * @param weights one per frame, each in [0, 1]
 * @param seed 64-bit seed of the one noise every frame shares
 * @param invert start every frame from the DDIM-inverted {@code from} image instead of noise, keeping its
 *          layout, where the model's kind can invert its decoder (else refused)
 * @param sampling steps, guidance and scheduler of the decoder (nulls: the model's defaults)
 */
public record InterpolationRequest(EmbeddingSource from, EmbeddingSource to, List<Double> weights, long seed,
	boolean invert, SamplingOptions sampling)
{

	/**
	 * Frames when none are asked for: on the bundled model the first and last frames have the two ends'
	 * colours in 5 frames (models/shapes-tiny/EVAL.md), and 5 show the way between.
	 */
	public static final int DEFAULT_FRAMES = 5;

	/** Most frames of one series. */
	public static final int MAX_FRAMES = 16;

	/** {@code frames} weights evenly from 0 to 1: frame 1 is {@code from}, the last is {@code to}. */
	public static List<Double> evenWeights(final int frames) {
		if (frames < 2 || frames > MAX_FRAMES) throw new UnclipException("An interpolation has 2 to " +
			MAX_FRAMES + " frames, not " + frames + ".");
		final List<Double> weights = new ArrayList<>();
		for (int k = 0; k < frames; k++)
			weights.add((double) k / (frames - 1));
		return weights;
	}
}
