package sc.fiji.unclip.engine.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.provider.Arguments;

/**
 * The fixtures models/tools/scheduler_fixtures.py writes from diffusers itself, and the check every scheduler
 * test runs on them: same timesteps, and every step (fed diffusers' own sample and noise) and every add_noise
 * case within {@link #TOLERANCE}.
 */
final class DiffusersFixtures {

	/** Max abs difference allowed between Java and diffusers (float32 both). */
	static final float TOLERANCE = 1e-6f;

	/**
	 * torch's float32 {@code sqrt}, {@code log} and {@code exp} on the CPU are not correctly rounded (MKL; about one
	 * in seven {@code sqrt} results is off by one ulp), so no Java code can match them bit for bit. Where a step's
	 * values are large (DPM-Solver++ at t = 999 of the cosine schedule, sigma = 2e4), a one-ulp difference in a
	 * coefficient exceeds {@link #TOLERANCE}; there we allow this many ulps of the largest value of the step
	 * (input or result) instead. Where all values stay below 2 that is never more than {@link #TOLERANCE}.
	 */
	static final int ULPS = 4;

	private DiffusersFixtures() {}

	static JsonObject load(final String file) {
		try (InputStream in = DiffusersFixtures.class.getResourceAsStream("/fixtures/schedulers/" + file)) {
			assertNotNull(in, "missing fixture " + file + "; run models/tools/scheduler_fixtures.py");
			return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
		}
		catch (final IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** (case name, case) arguments of a scheduler's fixture file, for {@code @MethodSource}. */
	static Stream<Arguments> cases(final String file) {
		final List<Arguments> out = new ArrayList<>();
		for (final Map.Entry<String, JsonElement> e : load(file).getAsJsonObject("cases").entrySet()) {
			out.add(Arguments.of(e.getKey(), e.getValue().getAsJsonObject()));
		}
		return out.stream();
	}

	/** float32 little-endian, base64 (as the fixture writer stores arrays). */
	static float[] floats(final JsonElement base64) {
		final ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64.getAsString())).order(
			ByteOrder.LITTLE_ENDIAN);
		final float[] x = new float[bytes.remaining() / 4];
		bytes.asFloatBuffer().get(x);
		return x;
	}

	static long[] longs(final JsonElement array) {
		return array.getAsJsonArray().asList().stream().mapToLong(JsonElement::getAsLong).toArray();
	}

	/** Runs the whole case through {@code scheduler} and asserts diffusers' results step by step. */
	static void assertMatches(final String name, final Scheduler scheduler, final JsonObject c) {
		float worst = 0;
		int ulpSteps = 0;
		final SamplingRun run = scheduler.start(c.get("steps").getAsInt());
		assertArrayEquals(longs(c.get("timesteps")), run.timesteps(), "timesteps");
		assertEquals(c.get("init_noise_sigma").getAsFloat(), run.initNoiseSigma());
		float[] sample = floats(c.get("init_sample"));
		final List<JsonElement> trace = c.getAsJsonArray("trace").asList();
		for (int k = 0; k < trace.size(); k++) {
			final JsonObject s = trace.get(k).getAsJsonObject();
			final boolean drew = !s.get("noise").isJsonNull();
			assertEquals(drew, run.needsNoise(k), "needsNoise at step " + k);
			final float[] expected = floats(s.get("prev_sample"));
			final float[] output = floats(s.get("model_output"));
			final float[] actual = run.step(output, k, sample, drew ? floats(s.get("noise")) : null);
			final float largest = Math.max(maxAbs(expected), Math.max(maxAbs(sample), maxAbs(output)));
			final float tolerance = Math.max(TOLERANCE, ULPS * Math.ulp(largest));
			assertClose(expected, actual, tolerance, "step " + k + " (t = " + run.timesteps()[k] + ")");
			float stepWorst = 0;
			for (int i = 0; i < expected.length; i++) stepWorst = Math.max(stepWorst, Math.abs(expected[i] - actual[i]));
			worst = Math.max(worst, stepWorst);
			if (stepWorst > TOLERANCE) ulpSteps++;
			sample = expected; // diffusers' own sample feeds the next step, so errors cannot pile up
		}
		for (final JsonElement e : c.getAsJsonArray("add_noise")) {
			final JsonObject a = e.getAsJsonObject();
			final long t = a.get("timestep").getAsLong();
			assertClose(floats(a.get("noisy")), scheduler.addNoise(floats(a.get("original")), floats(a.get(
				"noise")), t), TOLERANCE, "add_noise at t = " + t);
		}
		System.out.printf("%s %s: %d steps, max abs difference %.3g; steps over %.0g (within %d ulps of their " +
			"largest value): %d%n", scheduler.name(), name, trace.size(), worst, TOLERANCE, ULPS, ulpSteps);
	}

	static float maxAbs(final float[] x) {
		float m = 0;
		for (final float v : x) m = Math.max(m, Math.abs(v));
		return m;
	}

	static void assertClose(final float[] expected, final float[] actual, final float tolerance,
		final String what)
	{
		assertEquals(expected.length, actual.length, what + ": length");
		float worst = 0;
		int at = 0;
		for (int i = 0; i < expected.length; i++) {
			final float d = Math.abs(expected[i] - actual[i]);
			if (!(d <= worst)) {
				worst = d;
				at = i;
			}
		}
		final float max = worst;
		final int index = at;
		assertTrue(max <= tolerance, () -> what + ": max abs difference " + max + " > " + tolerance + " at " + index +
			" (diffusers " + expected[index] + ", Java " + actual[index] + ")");
	}
}
