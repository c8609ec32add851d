package sc.fiji.unclip.engine.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;

/**
 * DDIM inversion ends where DDIM sampling starts, and sampling back gives the clean sample again when the
 * model's noise prediction does not depend on x_t (then both directions are exact).
 */
class DdimInversionTest {

	static final JsonObject CONFIG = JsonParser.parseString("{\"num_train_timesteps\":1000," +
		"\"beta_schedule\":\"squaredcos_cap_v2\",\"clip_sample\":false,\"set_alpha_to_one\":true," +
		"\"prediction_type\":\"epsilon\",\"timestep_spacing\":\"leading\",\"steps_offset\":0}").getAsJsonObject();

	@Test
	void invertingThenSamplingGivesTheSampleBack() {
		final float[] x0 = { 0.5f, -0.25f, 0.9f, -1f };
		final float[] eps = { 0.3f, -1.2f, 0.7f, 0.1f };
		final SamplingRun inversion = new DdimInversion(CONFIG).start(25);
		final SamplingRun sampling = Schedulers.create("ddim", CONFIG).start(25);
		final long[] up = inversion.timesteps(), down = sampling.timesteps();
		assertEquals(down[0], up[up.length - 1]);
		assertEquals(down[down.length - 1], up[0]);
		float[] x = x0.clone();
		for (int i = 0; i < up.length; i++)
			x = inversion.step(eps, i, x, null);
		for (int i = 0; i < down.length; i++)
			x = sampling.step(eps, i, x, null);
		assertArrayEquals(x0, x, 1e-4f);
	}
}
