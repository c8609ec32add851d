package sc.fiji.unclip.engine;

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
 */
public record PipelineRequest(String mode, String prompt, int n, int steps, double guidance,
	String scheduler, double strength, float[] source, float[] mask)
{}
