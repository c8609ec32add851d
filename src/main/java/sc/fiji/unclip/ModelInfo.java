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
 */
public record ModelInfo(String name, String kind, String sha256, int resolution, int defaultSteps,
	double defaultGuidance, String defaultScheduler)
{}
