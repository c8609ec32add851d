package sc.fiji.unclip.engine;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

import sc.fiji.unclip.UnclipException;

/**
 * The networks of a bundle, each loaded on its first call and released on request, so a kind whose
 * networks do not all fit in memory together (Kandinsky 2.2 at full size: about 25 GB of float32) keeps
 * only those of the current workflow. Networks stored in float16 take and give float32 tensors: inputs
 * are cast on the way in, outputs on the way out, so the pipelines' arithmetic stays float32.
 */
public final class LazyComponents implements AutoCloseable {

	private final Bundle bundle;
	private final Device device;
	private final DataType storedType;
	private final Map<String, TorchComponent> loaded = new LinkedHashMap<>();

	/**
	 * @param storedType the dtype the networks were exported in ({@link DataType#FLOAT32} or
	 *          {@link DataType#FLOAT16})
	 */
	public LazyComponents(final Bundle bundle, final Device device, final DataType storedType) {
		this.bundle = bundle;
		this.device = device;
		this.storedType = storedType;
	}

	/** Whether the manifest has this component. */
	public boolean has(final String name) {
		return bundle.manifest().getAsJsonObject("components").has(name);
	}

	/** Runs a network, loading it first if needed; outputs live in the first input's manager. */
	public NDList call(final String name, final NDList inputs) {
		final TorchComponent component = component(name);
		if (storedType == DataType.FLOAT32) return component.call(inputs);
		final NDList cast = new NDList();
		for (final NDArray input : inputs)
			cast.add(input.getDataType() == DataType.FLOAT32 ? input.toType(storedType, false) : input);
		final NDList outputs = component.call(cast);
		final NDList back = new NDList();
		for (final NDArray output : outputs)
			back.add(output.getDataType() == storedType ? output.toType(DataType.FLOAT32, false) : output);
		return back;
	}

	private synchronized TorchComponent component(final String name) {
		if (!has(name)) throw new UnclipException("The model " + bundle.name() + " has no " + name +
			" network, which this workflow needs; export the bundle again with it (models/README.md).");
		return loaded.computeIfAbsent(name, n -> TorchComponent.load(bundle, n, device));
	}

	/** Frees every loaded network not named in {@code keep}. */
	public synchronized void keepOnly(final Collection<String> keep) {
		loaded.entrySet().removeIf(e -> {
			if (keep.contains(e.getKey())) return false;
			e.getValue().close();
			return true;
		});
	}

	/** Frees one network if it is loaded. */
	public synchronized void release(final String name) {
		final TorchComponent component = loaded.remove(name);
		if (component != null) component.close();
	}

	/** Names of the networks in memory now. */
	public synchronized Set<String> loaded() {
		return new TreeSet<>(loaded.keySet());
	}

	@Override
	public synchronized void close() {
		loaded.values().forEach(TorchComponent::close);
		loaded.clear();
	}
}
