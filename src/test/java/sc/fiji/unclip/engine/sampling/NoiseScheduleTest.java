package sc.fiji.unclip.engine.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import org.junit.jupiter.api.Test;

/** {@link NoiseSchedule}'s betas and alpha_bar against diffusers' float32 tensors. */
class NoiseScheduleTest {

	@Test
	void betasAndAlphaBarMatchDiffusers() {
		for (final JsonElement e : DiffusersFixtures.load("noise_schedules.json").getAsJsonArray("schedules")) {
			final JsonObject s = e.getAsJsonObject();
			final JsonObject config = s.getAsJsonObject("config");
			final NoiseSchedule schedule = NoiseSchedule.of(new DiffusersConfig("test", config), "linear");
			final float[] betas = DiffusersFixtures.floats(s.get("betas"));
			final float[] cumprod = DiffusersFixtures.floats(s.get("alphas_cumprod"));
			int betaUlps = 0, cumprodUlps = 0;
			for (int t = 0; t < betas.length; t++) {
				betaUlps = Math.max(betaUlps, ulps(betas[t], schedule.betas()[t]));
				cumprodUlps = Math.max(cumprodUlps, ulps(cumprod[t], schedule.alphasCumprod()[t]));
			}
			assertEquals(0, betaUlps, config + ": betas differ by up to " + betaUlps + " ulp");
			assertEquals(0, cumprodUlps, config + ": alphas_cumprod differ by up to " + cumprodUlps + " ulp");
		}
	}

	private static int ulps(final float a, final float b) {
		return Math.abs(Float.floatToIntBits(a) - Float.floatToIntBits(b));
	}
}
