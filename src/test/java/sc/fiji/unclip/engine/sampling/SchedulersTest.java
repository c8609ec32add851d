package sc.fiji.unclip.engine.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import sc.fiji.unclip.UnclipException;

/** The factory: names, diffusers defaults, and clear messages for what the Java schedulers do not support. */
class SchedulersTest {

	private static JsonObject json(final String text) {
		return JsonParser.parseString(text).getAsJsonObject();
	}

	private static String failure(final String name, final String config) {
		return assertThrows(UnclipException.class, () -> Schedulers.create(name, json(config))).getMessage();
	}

	@Test
	void unknownNameListsTheSupportedOnes() {
		final String message = assertThrows(UnclipException.class, () -> Schedulers.create("euler", null))
			.getMessage();
		assertTrue(message.contains("'euler'"), message);
		for (final String name : Schedulers.NAMES) assertTrue(message.contains(name), message);
		assertThrows(UnclipException.class, () -> Schedulers.create(null, null));
	}

	@ParameterizedTest
	@ValueSource(strings = { "ddpm", "ddim", "dpmsolver++", "unclip" })
	void everySchedulerBuildsFromAnEmptyConfig(final String name) {
		final Scheduler s = Schedulers.create(name, null);
		assertEquals(name, s.name());
		final SamplingRun run = s.start(10);
		assertEquals(10, run.timesteps().length);
		assertEquals(1f, run.initNoiseSigma());
	}

	@Test
	void missingKeysTakeDiffusersDefaults() {
		// DDIM: leading spacing, 1000 training steps; DPM-Solver++: linspace; UnCLIP: round(linspace(0, 999, n))
		assertArrayEquals(new long[] { 750, 500, 250, 0 }, Schedulers.create("ddim", null).start(4).timesteps());
		assertArrayEquals(new long[] { 999, 749, 500, 250 }, Schedulers.create("dpmsolver++", null).start(4)
			.timesteps());
		assertArrayEquals(new long[] { 999, 666, 333, 0 }, Schedulers.create("unclip", null).start(4).timesteps());
	}

	@Test
	void noiseIsNeededOnlyByAncestralSteps() {
		final SamplingRun ddpm = Schedulers.create("ddpm", null).start(4);
		assertTrue(ddpm.needsNoise(0));
		assertFalse(ddpm.needsNoise(3)); // t = 0
		assertFalse(Schedulers.create("ddim", null).start(4).needsNoise(0));
		assertFalse(Schedulers.create("dpmsolver++", null).start(4).needsNoise(0));
	}

	@Test
	void unsupportedValuesNameTheKeyAndTheChoices() {
		String m = failure("ddim", "{\"beta_schedule\": \"sigmoid\"}");
		assertTrue(m.contains("beta_schedule") && m.contains("sigmoid") && m.contains("squaredcos_cap_v2"), m);
		m = failure("ddpm", "{\"prediction_type\": \"flow\"}");
		assertTrue(m.contains("prediction_type") && m.contains("v_prediction"), m);
		m = failure("unclip", "{\"prediction_type\": \"v_prediction\"}");
		assertTrue(m.contains("epsilon, sample"), m);
		m = failure("unclip", "{\"beta_schedule\": \"linear\"}");
		assertTrue(m.contains("squaredcos_cap_v2"), m);
		m = failure("ddpm", "{\"variance_type\": \"fixed_large\"}");
		assertTrue(m.contains("fixed_small_log"), m);
		m = failure("ddim", "{\"timestep_spacing\": \"random\"}");
		assertTrue(m.contains("leading, trailing, linspace"), m);
		m = failure("ddim", "{\"thresholding\": true}");
		assertTrue(m.contains("thresholding"), m);
		m = failure("dpmsolver++", "{\"use_karras_sigmas\": true}");
		assertTrue(m.contains("use_karras_sigmas"), m);
		m = failure("dpmsolver++", "{\"final_sigmas_type\": \"max\"}");
		assertTrue(m.contains("sigma_min"), m);
		m = failure("ddpm", "{\"trained_betas\": [0.1, 0.2]}");
		assertTrue(m.contains("trained_betas"), m);
	}

	@Test
	void wrongValueTypesAreUserErrors() {
		assertTrue(failure("ddim", "{\"num_train_timesteps\": \"many\"}").contains("an integer"));
		assertTrue(failure("ddim", "{\"num_train_timesteps\": 10.5}").contains("an integer"));
		assertTrue(failure("ddim", "{\"clip_sample\": \"yes\"}").contains("true or false"));
		assertTrue(failure("ddim", "{\"beta_end\": [1]}").contains("beta_end"));
	}

	@Test
	void stepCountsOutsideTheScheduleAreUserErrors() {
		for (final String name : Schedulers.NAMES) {
			final Scheduler s = Schedulers.create(name, null);
			final String m = assertThrows(UnclipException.class, () -> s.start(0)).getMessage();
			assertTrue(m.contains(name) && m.contains("1000"), m);
			assertThrows(UnclipException.class, () -> s.start(1001));
		}
		// UnCLIP spaces round(linspace(0, 999, steps)): a single step has no spacing
		assertThrows(UnclipException.class, () -> Schedulers.create("unclip", null).start(1));
	}

	@Test
	void dpmSolverStepsMustBeTakenInOrder() {
		final SamplingRun run = Schedulers.create("dpmsolver++", null).start(5);
		final float[] x = new float[4];
		run.step(x, 2, x, null); // a run may start late (variations of strength < 1)
		assertThrows(IllegalStateException.class, () -> run.step(x, 4, x, null));
		run.step(x, 3, x, null);
	}

	@Test
	void theBundledManifestsStageConfigsBuildEveryScheduler() throws IOException {
		final Path manifest = Path.of("models/shapes-tiny/unclip.json");
		final JsonObject stages = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject()
			.getAsJsonObject("stages");
		for (final Map.Entry<String, JsonElement> stage : stages.entrySet()) {
			final JsonObject config = stage.getValue().getAsJsonObject().getAsJsonObject("config");
			for (final String name : Schedulers.NAMES) {
				final SamplingRun run = Schedulers.create(name, config).start(25);
				assertEquals(25, run.timesteps().length, stage.getKey() + " with " + name);
			}
		}
	}
}
