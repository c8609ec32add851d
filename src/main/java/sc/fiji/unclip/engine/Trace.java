package sc.fiji.unclip.engine;

/** Receives a pipeline's named intermediates (models/BUNDLE.md "Fixtures"), for parity tests. */
@FunctionalInterface
public interface Trace {

	Trace NONE = (name, values) -> {};

	void record(String name, float[] values);
}
