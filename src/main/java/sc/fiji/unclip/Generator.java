package sc.fiji.unclip;

import java.util.ArrayList;
import java.util.List;

/**
 * The one API every front end (Fiji commands, command line, HTTP service) uses to make pictures. Two
 * implementations: the embedded engine ({@code engine.EmbeddedGenerator}) and the HTTP client
 * ({@code client.RemoteGenerator}), so a user can move from the desk to a GPU server without changing a
 * macro.
 * <p>
 * Every call is blocking, reports per-step progress to the listener, and stops within one denoising step
 * once {@code cancellation} is cancelled (throwing {@link CancelledException}). User-facing problems are
 * reported as {@link UnclipException} with a message a Fiji user understands.
 */
public interface Generator extends AutoCloseable {

	GenerationResult textToImage(TextToImageRequest request, ProgressListener progress,
		Cancellation cancellation);

	/**
	 * Several text-to-image requests that share steps, guidance and scheduler, e.g. from different users of
	 * the HTTP service; an engine overrides this to run them through the network as one batch. Results are
	 * in request order and each equals what {@link #textToImage} returns for that request alone.
	 */
	default List<GenerationResult> textToImageBatch(final List<TextToImageRequest> requests,
		final ProgressListener progress, final Cancellation cancellation)
	{
		final List<GenerationResult> results = new ArrayList<>();
		for (final TextToImageRequest request : requests)
			results.add(textToImage(request, progress, cancellation));
		return results;
	}

	GenerationResult vary(VariationRequest request, ProgressListener progress,
		Cancellation cancellation);

	GenerationResult inpaint(InpaintRequest request, ProgressListener progress,
		Cancellation cancellation);

	/**
	 * A series of frames between two images or prompts (DALL-E 2's interpolation); one image per weight, in
	 * order. Generators that cannot refuse with {@link UnclipException}.
	 */
	default GenerationResult interpolate(final InterpolationRequest request, final ProgressListener progress,
		final Cancellation cancellation)
	{
		throw new UnclipException("Interpolation is not available with " + model().name() + " on this back " +
			"end; use the bundled model or a model of kind tiny.");
	}

	/**
	 * An image edited by description (DALL-E 2's text diffs). Generators that cannot refuse with
	 * {@link UnclipException}.
	 */
	default GenerationResult textDiff(final TextDiffRequest request, final ProgressListener progress,
		final Cancellation cancellation)
	{
		throw new UnclipException("Editing by description is not available with " + model().name() +
			" on this back end; use the bundled model or a model of kind tiny.");
	}

	/** What model this generator runs (name, hash, defaults), for provenance and dialogs. */
	ModelInfo model();

	@Override
	void close();
}
