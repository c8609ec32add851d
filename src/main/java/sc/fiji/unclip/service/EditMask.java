package sc.fiji.unclip.service;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.img.basictypeaccess.array.IntArray;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.integer.UnsignedByteType;

/**
 * The region an edit regenerates, from either convention: this project's (a mask image whose white
 * pixels mark it) or OpenAI's (fully transparent pixels in the mask or in the image mark it).
 */
final class EditMask {

	private EditMask() {}

	/** A mask with any transparent pixel follows OpenAI (transparent = edit); otherwise non-black = edit. */
	static ArrayImg<UnsignedByteType, ByteArray> fromMaskImage(final ArrayImg<ARGBType, IntArray> mask) {
		final int[] argb = mask.update(null).getCurrentStorageArray();
		boolean transparent = false;
		for (final int p : argb)
			if (p >>> 24 != 255) {
				transparent = true;
				break;
			}
		final byte[] out = new byte[argb.length];
		for (int i = 0; i < argb.length; i++) {
			final boolean edit = transparent ? (argb[i] >>> 24) == 0 : (argb[i] & 0xffffff) != 0;
			out[i] = (byte) (edit ? 255 : 0);
		}
		return ArrayImgs.unsignedBytes(out, mask.dimension(0), mask.dimension(1));
	}

	/** @return the fully transparent pixels of {@code image} as the region, or null if there are none */
	static ArrayImg<UnsignedByteType, ByteArray> fromTransparency(
		final ArrayImg<ARGBType, IntArray> image)
	{
		final int[] argb = image.update(null).getCurrentStorageArray();
		final byte[] out = new byte[argb.length];
		boolean any = false;
		for (int i = 0; i < argb.length; i++)
			if (argb[i] >>> 24 == 0) {
				out[i] = (byte) 255;
				any = true;
			}
		return any ? ArrayImgs.unsignedBytes(out, image.dimension(0), image.dimension(1)) : null;
	}
}
