package sc.fiji.unclip;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.integer.UnsignedByteType;

/**
 * Inpainting: regenerate the masked region of {@code image} from the prompt. Pixels where the mask is 0
 * are returned bit-identical.
 *
 * @param image source image (RGB; alpha ignored)
 * @param mask same size as the image; non-zero marks the region to regenerate
 * @param prompt what to put in the region
 * @param n number of alternatives
 * @param seed 64-bit seed; image i uses {@code seed + i}
 * @param feather width in source pixels of the blend ramp inside the mask edge (0 = hard edge)
 * @param sampling steps, guidance and scheduler (nulls mean the model's defaults)
 */
public record InpaintRequest(RandomAccessibleInterval<ARGBType> image,
	RandomAccessibleInterval<UnsignedByteType> mask, String prompt, int n, long seed, double feather,
	SamplingOptions sampling)
{}
