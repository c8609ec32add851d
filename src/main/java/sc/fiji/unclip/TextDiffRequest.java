package sc.fiji.unclip;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.ARGBType;

/**
 * Editing an image by description (DALL-E 2 sec. 3.3, text diffs): the image's embedding z_i moved towards
 * z_d = normalise(z_t(toPrompt) - z_t(fromPrompt)) by slerp(z_i, z_d, amount), then decoded.
 *
 * @param image the picture to edit (RGB; alpha ignored)
 * @param fromPrompt what the picture shows now
 * @param toPrompt what it should show
 * @param amount how far to move, in [0, 0.5] (0: a variation of the image)
 * @param n number of images; image i uses {@code seed + i}
 * @param seed 64-bit seed
 * @param invert start from the DDIM-inverted image instead of noise, keeping its layout, where the model's
 *          kind can invert its decoder (else refused)
 * @param sampling steps, guidance and scheduler of the decoder (nulls: the model's defaults)
 */
public record TextDiffRequest(RandomAccessibleInterval<ARGBType> image, String fromPrompt, String toPrompt,
	double amount, int n, long seed, boolean invert, SamplingOptions sampling)
{

	/**
	 * Amount when none is given, chosen by measurement on the bundled model (models/shapes-tiny/EVAL.md): with
	 * inversion, the smallest amount that gives the new colour in at least 90% of the sources.
	 */
	public static final double DEFAULT_AMOUNT = 0.5;

	/**
	 * Inversion unless asked otherwise: on the bundled model it keeps the shape where it was (overlap 0.91
	 * against 0.33 from noise) at a small cost in how often the new colour appears (models/shapes-tiny/EVAL.md).
	 */
	public static final boolean DEFAULT_INVERT = true;

	/** The largest amount the paper uses: beyond it the image's own content is mostly gone. */
	public static final double MAX_AMOUNT = 0.5;
}
