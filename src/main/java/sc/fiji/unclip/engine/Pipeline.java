package sc.fiji.unclip.engine;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.ProgressListener;

/**
 * The sampling algorithm of one bundle kind, loaded with its networks. A new kind (e.g. karlo,
 * kandinsky22) is a new class registered in {@link PipelineKinds}, not a branch in the engine.
 */
public interface Pipeline extends AutoCloseable {

	/** Output resolution R: images go in and come out at R x R. */
	int resolution();

	/** Tokens of a prompt, for validation and warnings before a run starts. */
	PromptTokenizer tokenizer();

	/**
	 * Runs a request; returns the final image [n,3,R,R] in [-1,1]. Thread-safe.
	 *
	 * @throws sc.fiji.unclip.CancelledException within one network call of {@code cancellation} firing
	 */
	float[] run(PipelineRequest request, NoiseSource noise, ProgressListener progress,
		Cancellation cancellation, Trace trace);

	@Override
	void close();
}
