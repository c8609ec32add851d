package sc.fiji.unclip.engine.sampling;

import com.google.gson.JsonObject;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link DdimScheduler} against diffusers' fixtures (models/tools/scheduler_fixtures.py). */
class DdimSchedulerTest {

	static Stream<Arguments> cases() {
		return DiffusersFixtures.cases("ddim.json");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void everyStepMatchesDiffusers(final String name, final JsonObject fixture) {
		DiffusersFixtures.assertMatches(name, Schedulers.create("ddim", fixture.getAsJsonObject("config")), fixture);
	}
}
