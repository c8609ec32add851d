package sc.fiji.unclip.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import sc.fiji.unclip.Generator;
import sc.fiji.unclip.engine.DefaultModel;
import sc.fiji.unclip.engine.NetworkTime;

/**
 * {@code serve} warms the model through its own HTTP API before it announces itself: every network a
 * text-to-image request uses runs once (how much that saves the first client is a benchmark: bench.ServiceWarmUpBenchmark).
 */
class ServeWarmUpTest {

	@Test
	void warmUpRunsEveryTextToImageNetwork() throws Exception {
		final Generator generator = RealEngine.get();
		final JsonObject stages = JsonParser.parseString(Files.readString(DefaultModel.folder().resolve(
			"unclip.json"))).getAsJsonObject().getAsJsonObject("stages");
		final JsonObject up = stages.getAsJsonObject("upsampler");
		final int upsamplerSteps = up.get("steps").getAsInt() - (int) (up.get("steps").getAsInt() * (1.0 - up
			.get("strength").getAsDouble()));
		// text encoder once, the prior's steps, the 2 decoder steps asked for, the upsampler's steps
		final long expected = 1 + stages.getAsJsonObject("prior").get("steps").getAsInt() + 2 + upsamplerSteps;
		try (InferenceService service = InferenceService.start(ServiceConfig.defaults().withAddress("127.0.0.1",
			0), generator))
		{
			final long before = NetworkTime.calls();
			ServeCommand.warmUp(service, "127.0.0.1", null, 2);
			assertEquals(expected, NetworkTime.calls() - before);
			ServeCommand.warmUp(service, "127.0.0.1", null, 0);
			assertEquals(expected, NetworkTime.calls() - before, "--warm-up-steps 0 runs nothing");
		}
	}
}
