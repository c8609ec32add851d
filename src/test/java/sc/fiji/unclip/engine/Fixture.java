package sc.fiji.unclip.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/** One case of src/test/resources/fixtures written by the Python reference: its request and tensors. */
record Fixture(String name, JsonObject request, Map<String, float[]> floats, Map<String, long[]> shapes) {

	/**
	 * The committed fixtures, or those the Python reference just wrote on this machine (env
	 * {@code UNCLIP_FIXTURES}, set by ./test.sh): libtorch's float kernels differ between CPUs in the last bit,
	 * which the unclip scheduler's first step at t = 999 multiplies by 2e4, so parity is checked against the
	 * reference run on the same CPU.
	 */
	static final Path ROOT = Path.of(System.getenv().getOrDefault("UNCLIP_FIXTURES",
		"src/test/resources/fixtures"));

	static Fixture load(final String name) throws IOException {
		final Path dir = ROOT.resolve(name);
		final JsonObject request = JsonParser.parseString(Files.readString(dir.resolve("case.json")))
			.getAsJsonObject();
		final Map<String, float[]> floats = new HashMap<>();
		final Map<String, long[]> shapes = new HashMap<>();
		try (NDManager manager = NDManager.newBaseManager("PyTorch"); InputStream in = Files.newInputStream(dir
			.resolve("tensors.npz")))
		{
			for (final NDArray array : NDList.decode(manager, in)) {
				final String key = array.getName().replaceFirst("\\.npy$", "");
				shapes.put(key, array.getShape().getShape());
				floats.put(key, array.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray());
			}
		}
		return new Fixture(name, request, floats, shapes);
	}

	float[] get(final String key) {
		final float[] values = floats.get(key);
		if (values == null) throw new AssertionError(name + ": tensors.npz has no '" + key + "' (has " + floats
			.keySet() + ")");
		return values;
	}

	String string(final String key) {
		return request.has(key) && !request.get(key).isJsonNull() ? request.get(key).getAsString() : null;
	}

	PipelineRequest pipelineRequest(final EmbeddedGenerator.Settings s) {
		final String mode = string("mode");
		java.util.List<String> prompts = null;
		if (request.has("prompts") && request.get("prompts").isJsonArray()) {
			prompts = new java.util.ArrayList<>();
			for (final var p : request.getAsJsonArray("prompts"))
				prompts.add(p.getAsString());
		}
		return new PipelineRequest(mode, string("prompt"), request.get("n").getAsInt(), s.steps(), s.guidance(), s
			.scheduler(), request.has("strength") ? request.get("strength").getAsDouble() : 1.0, mode.equals(
				"text") ? null : get("source"), mode.equals("inpaint") ? get("mask") : null, prompts);
	}

	/** The fixture's recorded noise, by name, checked against the size the pipeline asks for. */
	NoiseSource noise() {
		return (key, batch, perImage) -> {
			final float[] values = get(key);
			if (values.length != batch * perImage) throw new AssertionError(name + ": noise " + key + " has " +
				values.length + " values, the pipeline asked for " + batch * perImage);
			return values;
		};
	}
}
