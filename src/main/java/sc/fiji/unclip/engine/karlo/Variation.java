package sc.fiji.unclip.engine.karlo;

import java.util.Collections;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.engine.NoiseSource;
import sc.fiji.unclip.engine.SourceImage;
import sc.fiji.unclip.engine.sampling.SamplingRun;

/**
 * diffusers' {@code UnCLIPImageVariationPipeline}: the source's CLIP image embedding decoded with empty
 * prompts. With strength s &lt; 1 (the engine's extension, as for the other kinds) the decoder starts from the
 * source averaged down to its resolution and noised with {@code decoder.vary} to the timestep at index
 * {@code int(steps * (1 - s))}, and runs only the remaining steps.
 */
final class Variation {

	private Variation() {}

	/**
	 * @param source [n,3,R,R] in [-1, 1] (read only when strength &lt; 1)
	 * @return the image embeddings [n,D] and the image [n,3,R,R] in [0, 1]
	 */
	static NDArray[] run(final Karlo model, final NDManager manager, final SourceImage image, final float[] source,
		final double strength, final int n, final Decoding decoding, final NoiseSource noise,
		final ProgressListener progress, final Cancellation cancellation)
	{
		cancellation.check();
		final Karlo.Text text = model.encodeText(manager, Collections.nCopies(n, ""));
		final NDArray embeds = model.imageEmbed(manager, image).repeat(0, n);
		Decoding.Start start = null;
		if (strength < 1) {
			final int r = model.base, big = model.output;
			final int index = (int) (decoding.steps() * (1 - strength));
			final long[] timesteps;
			try (SamplingRun run = decoding.decoderScheduler().start(decoding.steps())) {
				timesteps = run.timesteps();
			}
			final NDArray small = Inpainting.averaged(manager.create(source, new Shape(n, 3, big, big)), r);
			final NDArray vary = manager.create(noise.draw("decoder.vary", n, 3 * r * r), new Shape(n, 3, r, r));
			start = new Decoding.Start(decoding.decoderScheduler().addNoise(small, vary, timesteps[index]), index);
		}
		return new NDArray[] { embeds, decoding.run(manager, text, embeds, start, null, noise, progress,
			cancellation) };
	}
}
