package sc.fiji.unclip.engine.sampling;

import com.google.gson.JsonObject;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link UnclipScheduler} against diffusers' fixtures (models/tools/scheduler_fixtures.py). */
class UnclipSchedulerTest {

	static Stream<Arguments> cases() {
		return DiffusersFixtures.cases("unclip.json");
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void everyStepMatchesDiffusers(final String name, final JsonObject fixture) {
		DiffusersFixtures.assertMatches(name, Schedulers.create("unclip", fixture.getAsJsonObject("config")), fixture);
	}
}
