package sc.fiji.unclip.engine.io;

/**
 * Pillow's {@code Image.resize(size, Image.BICUBIC)} of an 8-bit RGB image, bit for bit, so that a model's
 * image preprocessing written for PIL (CLIP's image processor, diffusers' image preparation) gives the same
 * tensors here. Pillow (libImaging/Resample.c) resamples separably, horizontal pass first, each output pixel
 * a weighted sum of the inputs under the cubic kernel (a = -0.5) widened by the scale when shrinking; the
 * weights are normalised to sum 1, turned into fixed point with 22 fraction bits (rounded half away from
 * zero), and the sum, started at one half, is shifted back and clamped to 0..255 after each pass.
 * Pillow's {@code reducing_gap} pre-reduction is not reproduced.
 */
public final class PilBicubic {

	private static final int PRECISION_BITS = 32 - 8 - 2;
	private static final double SUPPORT = 2.0;

	private PilBicubic() {}

	/**
	 * @param argb pixels row by row ({@code 0xAARRGGBB}; alpha ignored)
	 * @return the resized pixels, opaque; a copy when the size does not change (as Pillow returns)
	 */
	public static int[] resize(final int[] argb, final int width, final int height, final int outWidth,
		final int outHeight)
	{
		if (argb.length != width * height) throw new IllegalArgumentException(argb.length + " pixels for " +
			width + "x" + height);
		int[] pixels = new int[argb.length];
		for (int i = 0; i < argb.length; i++)
			pixels[i] = 0xff000000 | argb[i];
		int w = width;
		if (outWidth != width) {
			pixels = horizontal(pixels, w, height, Weights.of(width, outWidth));
			w = outWidth;
		}
		if (outHeight != height) pixels = vertical(pixels, w, height, Weights.of(height, outHeight));
		return pixels;
	}

	/** Fixed-point weights of every output index: its first input, its input count and its weights. */
	private record Weights(int size, int[] first, int[] count, int[][] weights) {

		static Weights of(final int inSize, final int outSize) {
			final double scale = (double) inSize / outSize;
			final double filterScale = Math.max(scale, 1.0);
			final double support = SUPPORT * filterScale;
			final int[] first = new int[outSize], count = new int[outSize];
			final int[][] weights = new int[outSize][];
			for (int xx = 0; xx < outSize; xx++) {
				final double center = (xx + 0.5) * scale;
				final double ss = 1.0 / filterScale;
				final int xmin = Math.max(0, (int) (center - support + 0.5));
				final int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
				final double[] k = new double[Math.max(xmax, 0)];
				double ww = 0.0;
				for (int x = 0; x < xmax; x++) {
					k[x] = cubic((x + xmin - center + 0.5) * ss);
					ww += k[x];
				}
				final int[] fixed = new int[k.length];
				for (int x = 0; x < k.length; x++) {
					final double v = ww != 0.0 ? k[x] / ww : k[x];
					fixed[x] = (int) (v < 0 ? -0.5 + v * (1 << PRECISION_BITS) : 0.5 + v * (1 << PRECISION_BITS));
				}
				first[xx] = xmin;
				count[xx] = k.length;
				weights[xx] = fixed;
			}
			return new Weights(outSize, first, count, weights);
		}
	}

	/** Pillow's bicubic_filter, a = -0.5. */
	private static double cubic(double x) {
		final double a = -0.5;
		if (x < 0.0) x = -x;
		if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
		if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
		return 0.0;
	}

	private static int[] horizontal(final int[] in, final int w, final int h, final Weights c) {
		final int[] out = new int[c.size * h];
		for (int y = 0; y < h; y++)
			for (int xx = 0; xx < c.size; xx++) {
				int r = 1 << (PRECISION_BITS - 1), g = r, b = r;
				final int[] k = c.weights[xx];
				for (int x = 0; x < c.count[xx]; x++) {
					final int p = in[y * w + c.first[xx] + x];
					r += ((p >> 16) & 0xff) * k[x];
					g += ((p >> 8) & 0xff) * k[x];
					b += (p & 0xff) * k[x];
				}
				out[y * c.size + xx] = pixel(r, g, b);
			}
		return out;
	}

	private static int[] vertical(final int[] in, final int w, final int h, final Weights c) {
		final int[] out = new int[w * c.size];
		for (int yy = 0; yy < c.size; yy++)
			for (int x = 0; x < w; x++) {
				int r = 1 << (PRECISION_BITS - 1), g = r, b = r;
				final int[] k = c.weights[yy];
				for (int y = 0; y < c.count[yy]; y++) {
					final int p = in[(c.first[yy] + y) * w + x];
					r += ((p >> 16) & 0xff) * k[y];
					g += ((p >> 8) & 0xff) * k[y];
					b += (p & 0xff) * k[y];
				}
				out[yy * w + x] = pixel(r, g, b);
			}
		return out;
	}

	private static int pixel(final int r, final int g, final int b) {
		return 0xff000000 | clip8(r) << 16 | clip8(g) << 8 | clip8(b);
	}

	private static int clip8(final int sum) {
		return Math.max(0, Math.min(255, sum >> PRECISION_BITS));
	}
}
