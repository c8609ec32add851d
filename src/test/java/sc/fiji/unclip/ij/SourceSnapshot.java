package sc.fiji.unclip.ij;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ij.ImagePlus;
import ij.ImageStack;

import java.util.Arrays;
import java.util.Objects;

/**
 * A user's image as it was before a command: pixels of every plane (as checksums, so 10000 x 10000 images
 * are cheap), type, size, display range, calibration, info, selection and title.
 */
record SourceSnapshot(long[] planes, int type, int width, int height, double min, double max,
	String calibration, Object info, String roi, String title)
{

	static SourceSnapshot of(final ImagePlus image) {
		final ImageStack stack = image.getStack();
		final long[] planes = new long[stack.getSize()];
		for (int i = 0; i < planes.length; i++)
			planes[i] = checksum(stack.getProcessor(i + 1).getPixels());
		return new SourceSnapshot(planes, image.getType(), image.getWidth(), image.getHeight(), image
			.getDisplayRangeMin(), image.getDisplayRangeMax(), image.getCalibration().toString(), image
				.getProperty("Info"), Objects.toString(image.getRoi()), image.getTitle());
	}

	/** A hash of the pixel array; any changed pixel changes it (up to a 2^-32 chance). */
	static long checksum(final Object pixels) {
		if (pixels instanceof byte[] b) return Arrays.hashCode(b);
		if (pixels instanceof short[] s) return Arrays.hashCode(s);
		if (pixels instanceof float[] f) return Arrays.hashCode(f);
		return Arrays.hashCode((int[]) pixels);
	}

	void assertUnchanged(final ImagePlus image) {
		final SourceSnapshot now = of(image);
		assertArrayEquals(planes, now.planes, "pixels of the source changed");
		assertEquals(this, now, "metadata of the source changed");
	}

	@Override
	public boolean equals(final Object o) {
		return o instanceof SourceSnapshot s && Arrays.equals(planes, s.planes) && type == s.type &&
			width == s.width && height == s.height && Double.compare(min, s.min) == 0 && Double.compare(max,
				s.max) == 0 && calibration.equals(s.calibration) && Objects.equals(info, s.info) && roi.equals(
					s.roi) && title.equals(s.title);
	}

	@Override
	public int hashCode() {
		return Arrays.hashCode(planes);
	}
}
