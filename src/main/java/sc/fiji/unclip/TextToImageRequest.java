package sc.fiji.unclip;

/**
 * Text to image: prompt, CLIP text embedding, prior, decoder, upsampler.
 *
 * @param prompt English text; at most 77 CLIP tokens are used (longer prompts are truncated with a warning)
 * @param n number of images, batched through the network in one call
 * @param seed 64-bit seed; image i uses {@code seed + i}
 * @param sampling steps, guidance and scheduler (nulls mean the model's defaults)
 */
public record TextToImageRequest(String prompt, int n, long seed, SamplingOptions sampling) {

	public TextToImageRequest(final String prompt, final long seed) {
		this(prompt, 1, seed, SamplingOptions.DEFAULTS);
	}
}
