package sc.fiji.unclip.engine;

import java.awt.image.BufferedImage;

import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.view.Views;

import sc.fiji.unclip.UnclipException;

/**
 * Where inpainting works on an image of any size: a square around the mask's bounding box with a margin of
 * context (half the box's larger side, at least 8 pixels), clipped to the image. The model sees that square
 * resized to its resolution; the result is resized back and blended in with a ramp of {@code feather}
 * pixels inside the mask, so pixels outside the mask are never touched.
 */
final class InpaintRegion {

	final int width, height;
	final boolean[] selected;
	final int x0, y0, side;

	private InpaintRegion(final int width, final int height, final boolean[] selected, final int x0,
		final int y0, final int side)
	{
		this.width = width;
		this.height = height;
		this.selected = selected;
		this.x0 = x0;
		this.y0 = y0;
		this.side = side;
	}

	static InpaintRegion of(final RandomAccessibleInterval<UnsignedByteType> mask, final long imageWidth,
		final long imageHeight)
	{
		if (mask.numDimensions() != 2 || mask.dimension(0) != imageWidth || mask.dimension(1) != imageHeight)
			throw new UnclipException("The mask is " + dims(mask) + " but the image is " + imageWidth + "x" +
				imageHeight + "; draw the selection on the image itself.");
		final int w = (int) imageWidth, h = (int) imageHeight;
		final boolean[] selected = new boolean[w * h];
		int minX = w, minY = h, maxX = -1, maxY = -1;
		final RandomAccess<UnsignedByteType> ra = Views.zeroMin(mask).randomAccess();
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				ra.setPosition(x, 0);
				ra.setPosition(y, 1);
				if (ra.get().get() != 0) {
					selected[y * w + x] = true;
					minX = Math.min(minX, x);
					maxX = Math.max(maxX, x);
					minY = Math.min(minY, y);
					maxY = Math.max(maxY, y);
				}
			}
		if (maxX < 0) throw new UnclipException(
			"The mask is empty; select the region to regenerate (non-zero mask pixels) and try again.");
		final int box = Math.max(maxX - minX + 1, maxY - minY + 1);
		final int side = Math.min(Math.max(w, h), box + 2 * Math.max(8, box / 2));
		final int cx = (minX + maxX + 1) / 2, cy = (minY + maxY + 1) / 2;
		final int x0 = clampStart(cx - side / 2, side, w), y0 = clampStart(cy - side / 2, side, h);
		return new InpaintRegion(w, h, selected, x0, y0, side);
	}

	private static int clampStart(final int start, final int side, final int size) {
		if (side >= size) return (size - side) / 2; // centred; parts outside the image repeat its edge
		return Math.max(0, Math.min(start, size - side));
	}

	private static String dims(final RandomAccessibleInterval<?> image) {
		final StringBuilder sb = new StringBuilder();
		for (int d = 0; d < image.numDimensions(); d++)
			sb.append(d == 0 ? "" : "x").append(image.dimension(d));
		return sb.toString();
	}

	/** The square crop (edges repeated outside the image). */
	BufferedImage crop(final BufferedImage image) {
		final BufferedImage out = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
		for (int y = 0; y < side; y++)
			for (int x = 0; x < side; x++)
				out.setRGB(x, y, image.getRGB(clamp(x0 + x, width), clamp(y0 + y, height)));
		return out;
	}

	/** The mask over the crop at the model resolution: 1 where any selected pixel falls into the cell. */
	float[] maskAt(final int resolution) {
		return maskAt(resolution, resolution);
	}

	/** The mask over the crop at w x h: 1 where any selected pixel falls into the cell. */
	float[] maskAt(final int w, final int h) {
		final float[] out = new float[w * h];
		for (int y = 0; y < side; y++)
			for (int x = 0; x < side; x++) {
				final int ix = x0 + x, iy = y0 + y;
				if (ix < 0 || iy < 0 || ix >= width || iy >= height || !selected[iy * width + ix]) continue;
				out[(int) ((long) y * h / side) * w + (int) ((long) x * w / side)] = 1f;
			}
		return out;
	}

	/**
	 * The source with the generated crop blended in: weight {@code min(1, d / feather)} where {@code d} is the
	 * chessboard distance to the nearest unselected pixel; unselected pixels keep their exact value.
	 */
	int[] composite(final int[] source, final BufferedImage generatedCrop,
		final double feather)
	{
		final int[] out = new int[width * height];
		final int[] distance = feather > 0 ? insideDistance() : null;
		for (int y = 0; y < height; y++)
			for (int x = 0; x < width; x++) {
				final int orig = source[y * width + x];
				if (!selected[y * width + x]) {
					out[y * width + x] = orig;
					continue;
				}
				final int gen = generatedCrop.getRGB(x - x0, y - y0);
				final double wgt = feather > 0 ? Math.min(1, distance[y * width + x] / feather) : 1;
				out[y * width + x] = 0xff000000 | blend(orig, gen, wgt, 16) | blend(orig, gen, wgt, 8) | blend(orig,
					gen, wgt, 0);
			}
		return out;
	}

	private static int blend(final int a, final int b, final double w, final int shift) {
		final int ca = (a >> shift) & 0xff, cb = (b >> shift) & 0xff;
		return ((int) Math.round((1 - w) * ca + w * cb) & 0xff) << shift;
	}

	/** Two-pass chessboard distance from each selected pixel to the nearest unselected one (1 at the rim). */
	private int[] insideDistance() {
		final int big = width + height;
		final int[] d = new int[width * height];
		for (int y = 0; y < height; y++)
			for (int x = 0; x < width; x++) {
				final int i = y * width + x;
				if (!selected[i]) continue;
				int v = big;
				if (x == 0 || y == 0) v = 1;
				else v = Math.min(v, 1 + Math.min(Math.min(d[i - 1], d[i - width]), Math.min(d[i - width - 1],
					x + 1 < width ? d[i - width + 1] : 0)));
				d[i] = v;
			}
		for (int y = height - 1; y >= 0; y--)
			for (int x = width - 1; x >= 0; x--) {
				final int i = y * width + x;
				if (!selected[i]) continue;
				if (x == width - 1 || y == height - 1) d[i] = 1;
				else d[i] = Math.min(d[i], 1 + Math.min(Math.min(d[i + 1], d[i + width]), Math.min(d[i + width + 1],
					x > 0 ? d[i + width - 1] : 0)));
			}
		return d;
	}

	private static int clamp(final int v, final int size) {
		return Math.max(0, Math.min(size - 1, v));
	}
}
