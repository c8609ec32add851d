package sc.fiji.unclip.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.SamplingOptions;

/**
 * The Java pipeline against the Python reference (models/BUNDLE.md "Sampling algorithm"), free-running:
 * Java runs the whole request on its own with the fixture's injected noise, and every recorded intermediate
 * (text embedding, each prior/decoder/upsampler step, low_res, image) must agree with the reference within
 * 1e-4 (max abs). Measured: everything up to low_res bit-identical, the final image within 1e-6. This holds
 * because both sides run libtorch with one thread (same kernels, same reduction order), combine guidance in
 * the same float32 order, round the schedulers' scalar sqrt/log/exp with libtorch (TorchScalarMath), normalise
 * and resize with libtorch, and the manifest's leading spacing keeps ddim/ddpm/dpmsolver++ off t = 999, where
 * 1 / sqrt(alpha_bar) = 2e4 would amplify any last-bit difference (the unclip scheduler still starts there:
 * it matches only because every input of that step is bit-identical). Bit-identical holds on one CPU:
 * another CPU's vector kernels round differently, so ./test.sh has the Python reference write the fixtures on
 * the machine that runs the tests ({@link Fixture#ROOT}).
 */
class TinyPipelineParityTest extends WithBundledGenerator {

	static final double TOLERANCE = 1e-4;

	/** Every pipeline case the Python side wrote (folders with case.json and tensors.npz). */
	static List<String> cases() throws java.io.IOException {
		try (var dirs = java.nio.file.Files.list(Fixture.ROOT)) {
			final List<String> names = dirs.filter(d -> java.nio.file.Files.isRegularFile(d.resolve("case.json")) &&
				java.nio.file.Files.isRegularFile(d.resolve("tensors.npz"))).map(d -> d.getFileName().toString())
				.sorted().toList();
			assertTrue(names.size() >= 5, "too few fixture cases: " + names);
			for (final String mode : List.of("text_", "variation", "inpaint"))
				assertTrue(names.stream().anyMatch(n -> n.startsWith(mode)), "no " + mode + " case in " + names);
			return names;
		}
	}

	@ParameterizedTest
	@MethodSource("cases")
	void matchesReference(final String name) throws Exception {
		final Fixture f = Fixture.load(name);
		final var r = f.request();
		final EmbeddedGenerator.Settings s = generator.settings(r.get("n").getAsInt(), new SamplingOptions(r.get(
			"steps").getAsInt(), r.get("guidance").getAsDouble(), r.get("scheduler").getAsString()));
		final Map<String, Double> differences = new LinkedHashMap<>();
		// free-running: Java continues with its own values; each one is only compared
		generator.pipeline().run(f.pipelineRequest(s), f.noise(), ProgressListener.NONE, new Cancellation(), (key,
			values) -> {
			if (f.floats().containsKey(key)) {
				final float[] expected = f.get(key);
				assertEquals(expected.length, values.length, name + ": size of " + key);
				differences.put(key, maxAbsDifference(expected, values));
			}
			return values;
		});
		final double worst = differences.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
		final String worstKey = differences.entrySet().stream().max(Map.Entry.comparingByValue()).map(
			Map.Entry::getKey).orElse("-");
		final long exact = differences.values().stream().filter(d -> d == 0).count();
		System.out.printf("parity %-24s %3d tensors (%d bit-identical), max |java - python| = %.2e (%s), " +
			"image_embed %.1e, low_res %.1e, upsampler.start %.1e, image %.2e%n", name, differences.size(), exact,
			worst, worstKey, differences.get("image_embed"), differences.get("low_res"), differences.getOrDefault(
				"upsampler.start", Double.NaN), differences.getOrDefault("image", Double.NaN));
		assertTrue(differences.containsKey("image") && differences.containsKey("image_embed") && differences
			.containsKey("low_res") && differences.size() > 5, name + ": too few intermediates compared: " +
				differences.keySet());
		final List<String> over = new ArrayList<>();
		differences.forEach((k, d) -> {
			if (!(d <= TOLERANCE)) over.add(k + " " + d);
		});
		assertTrue(over.isEmpty(), name + ": over " + TOLERANCE + ": " + over + " (all: " + differences + ")");
	}

	static double maxAbsDifference(final float[] a, final float[] b) {
		double d = 0;
		for (int i = 0; i < a.length; i++)
			d = Math.max(d, Math.abs((double) a[i] - b[i]));
		return d;
	}
}
