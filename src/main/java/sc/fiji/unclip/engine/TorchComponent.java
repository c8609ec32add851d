package sc.fiji.unclip.engine;

import java.io.IOException;
import java.nio.file.Path;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;

import sc.fiji.unclip.UnclipException;

/**
 * One TorchScript network of a bundle. Calls go straight to the block so the outputs live in the caller's
 * {@code NDManager} (freed when the caller's scope closes) and several threads may call at once: the
 * TorchScript module itself is stateless at inference.
 */
final class TorchComponent implements AutoCloseable {

	private final String name;
	private final Model model;

	private TorchComponent(final String name, final Model model) {
		this.name = name;
		this.model = model;
	}

	/** Loads {@code file} (relative to the bundle folder) on {@code device}. */
	static TorchComponent load(final Bundle bundle, final String component, final Device device) {
		final String file = bundle.manifest().getAsJsonObject("components").getAsJsonObject(component).get(
			"file").getAsString();
		final Path path = bundle.dir().resolve(file);
		final String stem = file.endsWith(".pt") ? file.substring(0, file.length() - 3) : file;
		final Model model = Model.newInstance(component, device, "PyTorch");
		try {
			optimiseForShortRuns();
			model.load(path.getParent(), stem);
			return new TorchComponent(component, model);
		}
		catch (final IOException | MalformedModelException | RuntimeException e) {
			model.close();
			throw new UnclipException("Cannot load the " + component + " network from " + path + ": " + e
				.getMessage() + ". The model folder may need a newer unCLIP for Fiji.", e);
		}
	}

	/**
	 * Inference settings of the calling thread (libtorch keeps them per thread): no autograd recording, and
	 * TorchScript's profiling graph executor off, since with a few dozen calls per image its re-optimisations
	 * only cost warm-up time. See README "Performance".
	 */
	static void optimiseForShortRuns() {
		JniUtils.setGradMode(false);
		if (!Boolean.getBoolean("unclip.jit.optimize")) JniUtils.setGraphExecutorOptimize(false);
	}

	/**
	 * Runs the network (timed in {@link NetworkTime}) with the process's libtorch threads; the outputs are
	 * attached to the first input's manager.
	 */
	NDList call(final NDList inputs) {
		Libtorch.useProcessThreads();
		final long start = System.nanoTime(), cpu = NetworkTime.callCpu();
		try {
			return callUntimed(inputs);
		}
		finally {
			NetworkTime.record(System.nanoTime() - start, NetworkTime.callCpu() - cpu);
		}
	}

	/**
	 * {@link #call} for calls that their caller times as one span, on threads whose libtorch count it set:
	 * concurrent ones ({@link GuidanceHalves}).
	 */
	NDList callUntimed(final NDList inputs) {
		optimiseForShortRuns();
		try {
			return model.getBlock().forward(new ParameterStore(inputs.head().getManager(), false), inputs,
				false);
		}
		catch (final RuntimeException e) {
			throw new UnclipException("The " + name + " network failed: " + e.getMessage(), e);
		}
	}

	@Override
	public void close() {
		model.close();
	}
}
