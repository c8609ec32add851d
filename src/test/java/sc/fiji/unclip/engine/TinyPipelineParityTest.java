package sc.fiji.unclip.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.SamplingOptions;

/**
 * The Java pipeline against the Python reference (models/BUNDLE.md "Sampling algorithm"): same injected
 * noise, every recorded intermediate and the final image within 1e-4, each step computed from the
 * reference's previous intermediate (relative to the value for values
 * above 1: DPM-Solver++'s early samples on the tiny untrained model reach 1e4 and more, where float32 itself
 * has a spacing near 1e-3).
 */
class TinyPipelineParityTest {

	static final double TOLERANCE = 1e-4;

	/**
	 * The first step of a stage starts at t = 999, where squaredcos_cap_v2 gives sqrt(alpha_bar) near 3e-5:
	 * the x0 estimate (x - sqrt(1 - alpha_bar) eps) / sqrt(alpha_bar) multiplies the last-bit differences
	 * between DJL's and pip's libtorch kernels (1e-7) by about 3e4. Measured up to 1.3e-2 on the trained
	 * bundle; every later step, fed the reference's input, holds 1e-4 (DPM-Solver++'s second step also
	 * reuses the first step's x0 estimate, which feeding x cannot replace).
	 */
	static final double FIRST_STEP_TOLERANCE = 2e-2;
	static EmbeddedGenerator generator;

	@BeforeAll
	static void open() {
		generator = EmbeddedGenerator.open(Fixture.BUNDLE);
	}

	@AfterAll
	static void close() {
		generator.close();
	}

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
		final List<String> compared = new ArrayList<>();
		final double[] worst = { 0 };
		// each step gets the reference's own input (the previous intermediate), so a step is judged on its own
		generator.pipeline().run(f.pipelineRequest(s), f.noise(), ProgressListener.NONE, new Cancellation(), (key,
			values) -> {
			if (!f.floats().containsKey(key)) return values;
			final float[] expected = f.get(key);
			assertEquals(expected.length, values.length, name + ": size of " + key);
			final double d = maxScaledDifference(expected, values);
			worst[0] = Math.max(worst[0], d);
			final boolean multistepHistory = s.scheduler().equals("dpmsolver++") && key.endsWith(".x.1");
			final double tolerance = key.endsWith(".x.0") || multistepHistory ? FIRST_STEP_TOLERANCE : TOLERANCE;
			assertTrue(d <= tolerance, name + ": " + key + " differs by " + d);
			compared.add(key);
			return expected;
		});
		assertTrue(compared.contains("image") && compared.contains("image_embed") && compared.size() > 5, name +
			": too few intermediates compared: " + compared);
		System.out.printf("parity %-16s %3d tensors, max |java - python| / max(1, |python|) = %.2e%n", name, compared.size(),
			worst[0]);
	}

	/** max over elements of |a - b| / max(1, |a|). */
	static double maxScaledDifference(final float[] a, final float[] b) {
		double d = 0;
		for (int i = 0; i < a.length; i++)
			d = Math.max(d, Math.abs((double) a[i] - b[i]) / Math.max(1, Math.abs(a[i])));
		return d;
	}
}
