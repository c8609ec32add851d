package sc.fiji.unclip.engine;

import java.util.Collections;
import java.util.List;

/**
 * What a {@link Pipeline} runs, already validated and at the model's resolution R.
 *
 * @param mode {@code text}, {@code variation} or {@code inpaint}
 * @param prompt the prompt (text and inpaint), else null
 * @param n images in the batch
 * @param steps decoder steps
 * @param guidance decoder guidance scale
 * @param scheduler scheduler name applied to every stage
 * @param strength variation strength in (0, 1]; 1 for the other modes
 * @param source [n,3,R,R] in [-1,1] (variation and inpaint), else null
 * @param mask [n,1,R,R], 1 = regenerate (inpaint), else null
 * @param prompts one prompt per image when the images of the batch have different prompts (cross-request
 *        batching of text to image), else null: every image uses {@code prompt}
 * @param width output width for kinds of free size ({@link Pipeline#sizeMultiple()} &gt; 0), else 0
 * @param height output height, as {@code width}
 * @param image the source pixels before any resizing (variation and inpaint: the region to inpaint; the
 *        {@code mask} is then at width x height), for kinds whose own preprocessing must equal their
 *        reference's; null for the others
 */
public record PipelineRequest(String mode, String prompt, int n, int steps, double guidance,
	String scheduler, double strength, float[] source, float[] mask, List<String> prompts, int width,
	int height, SourceImage image)
{

	public PipelineRequest {
		if (prompts != null && prompts.size() != n) throw new IllegalArgumentException(prompts.size() +
			" prompts for " + n + " images");
	}

	public PipelineRequest(final String mode, final String prompt, final int n, final int steps,
		final double guidance, final String scheduler, final double strength, final float[] source,
		final float[] mask, final List<String> prompts)
	{
		this(mode, prompt, n, steps, guidance, scheduler, strength, source, mask, prompts, 0, 0, null);
	}

	public PipelineRequest(final String mode, final String prompt, final int n, final int steps,
		final double guidance, final String scheduler, final double strength, final float[] source,
		final float[] mask)
	{
		this(mode, prompt, n, steps, guidance, scheduler, strength, source, mask, null);
	}

	/** The prompt of image {@code i}. */
	public String prompt(final int i) {
		return prompts == null ? prompt : prompts.get(i);
	}

	/** Per-image prompts (the single prompt repeated when all are the same). */
	public List<String> imagePrompts() {
		return prompts == null ? Collections.nCopies(n, prompt) : prompts;
	}
}
