package sc.fiji.unclip.engine;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;

import ai.djl.Device;

import sc.fiji.unclip.UnclipException;

/** The bundle kinds this engine runs, by the manifest's {@code kind}. */
public final class PipelineKinds {

	private static final Map<String, BiFunction<Bundle, Device, Pipeline>> KINDS = new TreeMap<>(Map.of(
		"tiny", TinyPipeline::load, "kandinsky22", sc.fiji.unclip.engine.kandinsky22.Kandinsky22Pipeline::load,
		"karlo", sc.fiji.unclip.engine.karlo.KarloPipeline::load));

	private PipelineKinds() {}

	public static Pipeline load(final Bundle bundle, final Device device) {
		final BiFunction<Bundle, Device, Pipeline> kind = KINDS.get(bundle.kind());
		if (kind == null) throw new UnclipException("Model " + bundle.name() + " is of kind '" + bundle.kind() +
			"', which this version cannot run (it runs: " + String.join(", ", KINDS.keySet()) +
			"); update unCLIP for Fiji.");
		return kind.apply(bundle, device);
	}
}
