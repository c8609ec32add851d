package sc.fiji.unclip.engine;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.UnclipException;

/**
 * What the embedding spaces of the converted models (kinds {@code karlo}, {@code kandinsky22}) share: their
 * decoders take unnormalised CLIP image embeddings, so interpolation slerps the directions and interpolates
 * the lengths, and text diffs (a unit text direction added to such an embedding) and DDIM inversion (not
 * written for their decoders) are refused with what to do instead.
 */
public abstract class InterpolationOnlySpace implements EmbeddingSpace {

	private final String kind;

	protected InterpolationOnlySpace(final String kind) {
		this.kind = kind;
	}

	@Override
	public final float[] between(final float[] a, final float[] b, final double w) {
		return SphericalInterpolation.slerpWithLength(a, b, w);
	}

	@Override
	public final float[] textEmbedding(final String prompt, final Cancellation cancellation) {
		throw new UnclipException("Text diffs are not available for models of kind " + kind + ": their decoder " +
			"takes unnormalised CLIP image embeddings and cannot be inverted here; use interpolation (towards a " +
			"prompt or an image) instead.");
	}

	@Override
	public final float[] invert(final float[] source, final float[] imageEmbedding,
		final EmbeddedGenerator.Settings settings, final ProgressListener progress, final Cancellation cancellation)
	{
		throw new UnclipException("Keeping the layout (DDIM inversion) is not available for models of kind " +
			kind + "; interpolate without it (invert false, layout free).");
	}
}
