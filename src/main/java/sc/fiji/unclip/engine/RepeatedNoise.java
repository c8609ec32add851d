package sc.fiji.unclip.engine;

/**
 * The same noise for every image of a batch: an interpolation's frames share the decoder's noise so that
 * only the embedding, and so only the content, changes from frame to frame (DALL-E 2 sec. 3.2).
 */
final class RepeatedNoise implements NoiseSource {

	private final NoiseSource single;

	/** @param single noise for a batch of one */
	RepeatedNoise(final NoiseSource single) {
		this.single = single;
	}

	@Override
	public float[] draw(final String name, final int batch, final int perImage) {
		final float[] one = single.draw(name, 1, perImage);
		final float[] out = new float[batch * perImage];
		for (int i = 0; i < batch; i++)
			System.arraycopy(one, 0, out, i * perImage, perImage);
		return out;
	}
}
