package sc.fiji.unclip;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.ARGBType;

/**
 * Variations of an image: the CLIP image embedding of {@code image} decoded again with fresh noise.
 *
 * @param image source image (RGB; alpha ignored), any size from 8 to 16384 pixels a side
 * @param n number of variations
 * @param seed 64-bit seed; image i uses {@code seed + i}
 * @param strength 1.0 = start from pure noise (DALL-E 2's variations); lower values start from the source
 *          noised to that level, giving variations closer to the source
 * @param sampling steps, guidance and scheduler (nulls mean the model's defaults)
 */
public record VariationRequest(RandomAccessibleInterval<ARGBType> image, int n, long seed,
	double strength, SamplingOptions sampling)
{}
