package sc.fiji.unclip.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import net.imglib2.img.Img;
import net.imglib2.type.numeric.ARGBType;
import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.EmbeddingSource;
import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.Generator;
import sc.fiji.unclip.InterpolationRequest;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.TextDiffRequest;
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.client.RemoteGenerator;

/**
 * The extension endpoints {@code /v1/images/interpolations} and {@code /v1/images/textdiffs} over real HTTP
 * on loopback with the real engine: the same pixels as the embedded engine, provenance in the answer,
 * OpenAI-shaped errors naming the field, and the HTTP client speaking both.
 */
class EmbeddingEndpointsTest {

	private static final SamplingOptions FEW_STEPS = new SamplingOptions(3, null, null);
	private static Generator engine;
	private static ServiceFixture fixture;
	private static Img<ARGBType> source;
	private static byte[] png;

	@BeforeAll
	static void start() throws Exception {
		engine = RealEngine.get();
		fixture = new ServiceFixture(ServiceFixture.config(), engine);
		source = engine.textToImage(new TextToImageRequest("a large red circle on a blue background", 1, 3,
			FEW_STEPS), ProgressListener.NONE, new Cancellation()).images().get(0);
		png = PngImages.encode(source, Map.of());
	}

	@AfterAll
	static void stop() {
		if (fixture != null) fixture.close();
	}

	@Test
	void interpolationsEqualTheEmbeddedEngine() throws Exception {
		final GenerationResult expected = engine.interpolate(new InterpolationRequest(EmbeddingSource.of(source),
			EmbeddingSource.of("a green square"), InterpolationRequest.evenWeights(3), 7, false, FEW_STEPS),
			ProgressListener.NONE, new Cancellation());
		final ServiceFixture.Reply reply = fixture.postForm("/v1/images/interpolations", new ServiceFixture.Form()
			.file("image", png).field("to_prompt", "a green square").field("frames", 3).field("seed", 7).field(
				"steps", 3));
		ServiceEngineTest.assertSame(expected, reply.images());
		final JsonObject unclip = reply.json().getAsJsonObject("unclip");
		assertEquals("interpolation", unclip.get("unclip.mode").getAsString());
		assertEquals("0.0,0.5,1.0", unclip.get("unclip.weights").getAsString());
		final ServiceFixture.Reply toImage = fixture.postForm("/v1/images/interpolations", new ServiceFixture
			.Form().file("image", png).file("to_image", png).field("weights", "0,1").field("seed", 7).field("steps",
				3));
		assertEquals(2, toImage.images().size());
	}

	@Test
	void textDiffsEqualTheEmbeddedEngine() throws Exception {
		final GenerationResult expected = engine.textDiff(new TextDiffRequest(source, "a red circle",
			"a yellow circle", 0.5, 2, 4, true, FEW_STEPS), ProgressListener.NONE, new Cancellation());
		final ServiceFixture.Reply reply = fixture.postForm("/v1/images/textdiffs", new ServiceFixture.Form()
			.file("image", png).field("from_prompt", "a red circle").field("to_prompt", "a yellow circle").field(
				"n", 2).field("seed", 4).field("steps", 3));
		ServiceEngineTest.assertSame(expected, reply.images());
		final JsonObject unclip = reply.json().getAsJsonObject("unclip");
		assertEquals("0.5", unclip.get("unclip.amount").getAsString());
		assertEquals("true", unclip.get("unclip.invert").getAsString());
	}

	@Test
	void badFieldsGetOpenAiShapedErrorsNamingThem() throws Exception {
		final ServiceFixture.Reply neither = fixture.postForm("/v1/images/interpolations", new ServiceFixture
			.Form().file("image", png));
		neither.assertError(400, "invalid_target");
		final ServiceFixture.Reply frames = fixture.postForm("/v1/images/interpolations", new ServiceFixture.Form()
			.file("image", png).field("to_prompt", "x").field("frames", 40));
		frames.assertError(400, "invalid_value");
		assertTrue(frames.body().contains("'frames'"), frames.body());
		final ServiceFixture.Reply weights = fixture.postForm("/v1/images/interpolations", new ServiceFixture
			.Form().file("image", png).field("to_prompt", "x").field("weights", "0,abc"));
		weights.assertError(400, "invalid_value");
		final ServiceFixture.Reply amount = fixture.postForm("/v1/images/textdiffs", new ServiceFixture.Form()
			.file("image", png).field("from_prompt", "a").field("to_prompt", "b").field("amount", 0.9));
		amount.assertError(400, "invalid_value");
		assertTrue(amount.body().contains("'amount'"), amount.body());
		final ServiceFixture.Reply prompt = fixture.postForm("/v1/images/textdiffs", new ServiceFixture.Form()
			.file("image", png).field("to_prompt", "b"));
		prompt.assertError(400, "invalid_prompt");
		assertTrue(prompt.body().contains("'from_prompt'"), prompt.body());
	}

	@Test
	void theHttpClientSpeaksBothEndpoints() {
		final RemoteGenerator remote = new RemoteGenerator(URI.create("http://127.0.0.1:" + fixture.service
			.port()), null, Duration.ofSeconds(60), 3);
		final InterpolationRequest interpolation = new InterpolationRequest(EmbeddingSource.of(source),
			EmbeddingSource.of("a white triangle"), List.of(0.0, 0.25, 1.0), 2, false, FEW_STEPS);
		final GenerationResult viaHttp = remote.interpolate(interpolation, ProgressListener.NONE,
			new Cancellation());
		ServiceEngineTest.assertSame(engine.interpolate(interpolation, ProgressListener.NONE, new Cancellation()),
			viaHttp.images().stream().map(ServiceEngineTest::pixels).toList());
		assertEquals(0.25, viaHttp.provenance().weight(1));
		final TextDiffRequest diff = new TextDiffRequest(source, "a red circle", "a green circle", 0.3, 1, 6,
			false, FEW_STEPS);
		final GenerationResult edited = remote.textDiff(diff, ProgressListener.NONE, new Cancellation());
		ServiceEngineTest.assertSame(engine.textDiff(diff, ProgressListener.NONE, new Cancellation()), edited
			.images().stream().map(ServiceEngineTest::pixels).toList());
		assertEquals("a green circle", edited.provenance().controls().get("to_prompt"));
		assertEquals("textdiff", edited.provenance().mode());
	}
}
