package sc.fiji.unclip.engine.karlo;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.engine.NoiseSource;

/** diffusers' {@code UnCLIPPipeline}: prompts -> prior -> image embeddings -> decoder and super-resolution. */
final class TextToImage {

	private TextToImage() {}

	/** @return the image embeddings [n,D] and the image [n,3,R,R] in [0, 1] */
	static NDArray[] run(final Karlo model, final NDManager manager, final List<String> prompts, final Prior prior,
		final Decoding decoding, final NoiseSource noise, final ProgressListener progress,
		final Cancellation cancellation)
	{
		cancellation.check();
		final Karlo.Text text = model.encodeText(manager, prompts);
		final NDArray embeds = prior.run(manager, text, noise, progress, cancellation);
		return new NDArray[] { embeds, decoding.run(manager, text, embeds, null, null, noise, progress,
			cancellation) };
	}
}
