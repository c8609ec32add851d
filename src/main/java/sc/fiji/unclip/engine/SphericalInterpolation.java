package sc.fiji.unclip.engine;

/**
 * Spherical linear interpolation between unit vectors (Shoemake 1985), as DALL-E 2 moves between CLIP
 * embeddings: the path stays on the sphere the embeddings live on, where a straight line would pass
 * through shorter vectors the decoder never saw.
 */
public final class SphericalInterpolation {

	private SphericalInterpolation() {}

	/** slerp(a, b, w) = sin((1-w) θ) / sin θ a + sin(w θ) / sin θ b, θ the angle between unit a and b. */
	static float[] slerp(final float[] a, final float[] b, final double w) {
		final double[] ua = unit(a), ub = unit(b);
		double dot = 0;
		for (int i = 0; i < ua.length; i++)
			dot += ua[i] * ub[i];
		dot = Math.max(-1, Math.min(1, dot));
		final double theta = Math.acos(dot);
		final double wa, wb;
		// (almost) the same direction: the linear weights are the limit
		if (Math.sin(theta) < 1e-6) {
			wa = 1 - w;
			wb = w;
		}
		else {
			wa = Math.sin((1 - w) * theta) / Math.sin(theta);
			wb = Math.sin(w * theta) / Math.sin(theta);
		}
		final float[] out = new float[a.length];
		for (int i = 0; i < a.length; i++)
			out[i] = (float) (wa * ua[i] + wb * ub[i]);
		return out;
	}

	/**
	 * slerp of the directions of a and b, scaled to (1-w) |a| + w |b|: for decoders that take embeddings of
	 * their own length (Karlo's unnormalised CLIP image embeddings), not unit vectors.
	 */
	public static float[] slerpWithLength(final float[] a, final float[] b, final double w) {
		final float[] out = slerp(a, b, w);
		final double length = (1 - w) * norm(a) + w * norm(b);
		for (int i = 0; i < out.length; i++)
			out[i] = (float) (out[i] * length);
		return out;
	}

	/** normalise(to - from): DALL-E 2's text diff direction z_d. */
	static float[] direction(final float[] from, final float[] to) {
		final float[] d = new float[from.length];
		for (int i = 0; i < d.length; i++)
			d[i] = to[i] - from[i];
		final double[] u = unit(d);
		for (int i = 0; i < d.length; i++)
			d[i] = (float) u[i];
		return d;
	}

	private static double norm(final float[] v) {
		double sum = 0;
		for (final float x : v)
			sum += (double) x * x;
		return Math.sqrt(sum);
	}

	private static double[] unit(final float[] v) {
		final double norm = norm(v);
		if (norm < 1e-12) throw new sc.fiji.unclip.UnclipException("The two prompts have the same embedding, " +
			"so there is no direction to move in; give prompts that differ in what should change.");
		final double[] u = new double[v.length];
		for (int i = 0; i < v.length; i++)
			u[i] = v[i] / norm;
		return u;
	}
}
