package sc.fiji.unclip.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.client.RemoteGenerator;
import sc.fiji.unclip.engine.EmbeddedGenerator;
import sc.fiji.unclip.engine.kandinsky22.Kandinsky22Fixture;

/**
 * A kandinsky22 bundle behind the service: a {@code size} that is a multiple of 64 is made at that size by the
 * model (the same pixels as the embedded engine at that size), other sizes are resampled from the default.
 */
class Kandinsky22ServiceTest {

	private static EmbeddedGenerator engine;
	private static ServiceFixture fixture;

	@BeforeAll
	static void start() throws Exception {
		engine = EmbeddedGenerator.open(Kandinsky22Fixture.BUNDLE);
		fixture = new ServiceFixture(ServiceFixture.config(), engine);
	}

	@AfterAll
	static void stop() {
		if (fixture != null) fixture.close();
		if (engine != null) engine.close();
	}

	@Test
	void aSizeTheModelCanMakeIsMadeAtThatSize() throws Exception {
		final GenerationResult expected = engine.textToImage(new TextToImageRequest("a red fox", 1, 4,
			new SamplingOptions(2, null, null, 128, 64)), ProgressListener.NONE, new Cancellation());
		final List<int[]> images = fixture.postJson("/v1/images/generations",
			"{\"prompt\":\"a red fox\",\"seed\":4,\"steps\":2,\"size\":\"128x64\"}").images();
		ServiceEngineTest.assertSame(expected, images);
	}

	@Test
	void otherSizesAreResampledFromTheDefault() throws Exception {
		final List<int[]> images = fixture.postJson("/v1/images/generations",
			"{\"prompt\":\"a red fox\",\"seed\":4,\"steps\":2,\"size\":\"100x50\"}").images();
		assertEquals(100 * 50, images.get(0).length);
	}

	@Test
	void theClientAsksForItsSize() {
		final RemoteGenerator remote = new RemoteGenerator(URI.create("http://127.0.0.1:" + fixture.service
			.port()), null, Duration.ofSeconds(60), 3);
		assertEquals(64, remote.model().sizeMultiple());
		final GenerationResult viaHttp = remote.textToImage(new TextToImageRequest("a red fox", 1, 4,
			new SamplingOptions(2, null, null, 64, 128)), ProgressListener.NONE, new Cancellation());
		assertEquals(64, viaHttp.images().get(0).dimension(0));
		assertEquals(128, viaHttp.images().get(0).dimension(1));
	}
}
