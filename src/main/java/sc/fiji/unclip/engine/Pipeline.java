package sc.fiji.unclip.engine;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.ProgressListener;

/**
 * The sampling algorithm of one bundle kind, loaded with its networks. A new kind (e.g. karlo,
 * kandinsky22) is a new class registered in {@link PipelineKinds}, not a branch in the engine.
 */
public interface Pipeline extends AutoCloseable {

	/** Output resolution R: images go in and come out at R x R (for kinds of free size: the default side). */
	int resolution();

	/**
	 * 0 for kinds that make only R x R images; else the output may be any width and height that are
	 * multiples of this, given in {@link PipelineRequest#width()} and {@link PipelineRequest#height()}.
	 */
	default int sizeMultiple() {
		return 0;
	}

	/** The size used when a request gives none: {width, height}. */
	default int[] defaultSize() {
		return new int[] { resolution(), resolution() };
	}

	/** Tokens of a prompt, for validation and warnings before a run starts. */
	PromptTokenizer tokenizer();

	/**
	 * Runs a request; returns the final image [n,3,R,R] (free sizes: [n,3,height,width]) in [-1,1].
	 * Thread-safe.
	 *
	 * @throws sc.fiji.unclip.CancelledException within one network call of {@code cancellation} firing
	 */
	float[] run(PipelineRequest request, NoiseSource noise, ProgressListener progress,
		Cancellation cancellation, Trace trace);

	/**
	 * The parts the embedding controls (interpolation, text diffs) use; kinds without them refuse, naming
	 * themselves.
	 */
	default EmbeddingSpace embeddingSpace() {
		throw new sc.fiji.unclip.UnclipException("This model's kind has no embedding controls (interpolation, " +
			"text diffs) yet; use a model of kind tiny (e.g. the bundled model), karlo or kandinsky22 (interpolation).");
	}

	@Override
	void close();
}
