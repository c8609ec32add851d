package sc.fiji.unclip;

/**
 * How the decoder samples. A {@code null} field means "the model's default" (from the bundle manifest), so
 * that a macro recorded without these keys keeps following the model.
 *
 * @param steps number of denoising steps of the decoder, or null
 * @param guidance classifier-free guidance scale (1 = none), or null
 * @param scheduler {@code ddim}, {@code ddpm}, {@code dpmsolver++} or {@code unclip}, or null
 * @param width width of the images to make, or null for the model's default; models of a fixed size
 *          (kind {@code tiny}) accept only their own, models of free size (kind {@code kandinsky22}) any
 *          multiple of 64
 * @param height height of the images to make, or null; given together with {@code width}
 */
public record SamplingOptions(Integer steps, Double guidance, String scheduler, Integer width,
	Integer height)
{

	public static final SamplingOptions DEFAULTS = new SamplingOptions(null, null, null);

	/** The model's default size. */
	public SamplingOptions(final Integer steps, final Double guidance, final String scheduler) {
		this(steps, guidance, scheduler, null, null);
	}

	/** The same options at another size (nulls: the model's default). */
	public SamplingOptions withSize(final Integer w, final Integer h) {
		return new SamplingOptions(steps, guidance, scheduler, w, h);
	}
}
