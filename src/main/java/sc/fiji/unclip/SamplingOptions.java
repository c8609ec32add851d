package sc.fiji.unclip;

/**
 * How the decoder samples. A {@code null} field means "the model's default" (from the bundle manifest), so
 * that a macro recorded without these keys keeps following the model.
 *
 * @param steps number of denoising steps of the decoder, or null
 * @param guidance classifier-free guidance scale (1 = none), or null
 * @param scheduler {@code ddim}, {@code ddpm}, {@code dpmsolver++} or {@code unclip}, or null
 */
public record SamplingOptions(Integer steps, Double guidance, String scheduler) {

	public static final SamplingOptions DEFAULTS = new SamplingOptions(null, null, null);
}
