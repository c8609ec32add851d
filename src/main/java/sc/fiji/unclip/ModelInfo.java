package sc.fiji.unclip;

/**
 * What a generator runs, for dialogs and provenance.
 *
 * @param name bundle name
 * @param kind pipeline kind ({@code tiny}, {@code karlo}, {@code kandinsky22})
 * @param sha256 hash identifying the bundle (sha256 of its manifest)
 * @param resolution side of the images the model makes, in pixels
 * @param defaultSteps decoder steps used when a request gives none
 * @param defaultGuidance decoder guidance used when a request gives none
 * @param defaultScheduler decoder scheduler used when a request gives none
 * @param sizeMultiple 0 when the model makes only resolution x resolution images; else it makes any width
 *          and height that are multiples of this ({@link SamplingOptions#width()})
 */
public record ModelInfo(String name, String kind, String sha256, int resolution, int defaultSteps,
	double defaultGuidance, String defaultScheduler, int sizeMultiple)
{

	/** A model of one fixed size. */
	public ModelInfo(final String name, final String kind, final String sha256, final int resolution,
		final int defaultSteps, final double defaultGuidance, final String defaultScheduler)
	{
		this(name, kind, sha256, resolution, defaultSteps, defaultGuidance, defaultScheduler, 0);
	}
}
