package sc.fiji.unclip.engine.io;

/** How far apart two ARGB images are, in 8-bit levels of one colour channel (alpha ignored). */
public final class ChannelDifference {

	private ChannelDifference() {}

	/** The largest difference of one red, green or blue level between pixels at the same index. */
	public static int maxLevels(final int[] a, final int[] b) {
		if (a.length != b.length) throw new IllegalArgumentException(a.length + " pixels against " + b.length);
		int max = 0;
		for (int i = 0; i < a.length; i++)
			for (int shift = 0; shift <= 16; shift += 8)
				max = Math.max(max, Math.abs((a[i] >> shift & 0xff) - (b[i] >> shift & 0xff)));
		return max;
	}
}
