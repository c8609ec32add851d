package sc.fiji.unclip.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Base64;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.VariationRequest;
import sc.fiji.unclip.engine.EmbeddedGenerator;
import sc.fiji.unclip.engine.io.ArgbImages;
import sc.fiji.unclip.engine.io.PngIO;

/**
 * The micro karlo bundle behind the service over loopback HTTP, as {@code serve --model} runs it: generations,
 * variations and interpolations answer the embedded engine's pixels for the same seed, and the answer's
 * provenance (JSON and PNG text chunks) names the kind karlo.
 */
class KarloServiceTest {

	static final Path BUNDLE = Path.of("src/test/resources/karlo/bundle");
	private static final SamplingOptions STEPS = new SamplingOptions(2, null, null);
	private static EmbeddedGenerator engine;
	private static ServiceFixture fixture;

	@BeforeAll
	static void start() throws Exception {
		engine = EmbeddedGenerator.open(BUNDLE);
		fixture = new ServiceFixture(ServiceFixture.config(), engine);
	}

	@AfterAll
	static void stop() {
		if (fixture != null) fixture.close();
		if (engine != null) engine.close();
	}

	/** The answer's provenance names the kind, in its JSON and in the first image's PNG text chunks. */
	private static void assertKindKarlo(final ServiceFixture.Reply reply, final String mode) throws Exception {
		final JsonObject json = reply.json();
		assertEquals("karlo", json.getAsJsonObject("unclip").get("unclip.model.kind").getAsString(), reply.body());
		assertEquals(mode, json.getAsJsonObject("unclip").get("unclip.mode").getAsString());
		final byte[] png = Base64.getDecoder().decode(json.getAsJsonArray("data").get(0).getAsJsonObject().get(
			"b64_json").getAsString());
		assertEquals("karlo", PngIO.decode(new ByteArrayInputStream(png)).text().get("unclip.model.kind"));
	}

	@Test
	void generationsEqualTheEmbeddedEngine() throws Exception {
		final GenerationResult expected = engine.textToImage(new TextToImageRequest("a red cat", 2, 4, STEPS),
			ProgressListener.NONE, new Cancellation());
		final ServiceFixture.Reply reply = fixture.postJson("/v1/images/generations",
			"{\"prompt\":\"a red cat\",\"n\":2,\"seed\":4,\"steps\":2,\"response_format\":\"b64_json\"}");
		ServiceEngineTest.assertSameWithinOneLevel(expected, reply.images());
		assertKindKarlo(reply, "text");
	}

	@Test
	void variationsEqualTheEmbeddedEngine() throws Exception {
		final byte[] png = ServiceFixture.png(32, 32, 0xff336699, false);
		final GenerationResult expected = engine.vary(new VariationRequest(ArgbImages.fromAwt(javax.imageio.ImageIO
			.read(new ByteArrayInputStream(png))), 1, 3, 1.0, STEPS), ProgressListener.NONE, new Cancellation());
		final ServiceFixture.Reply reply = fixture.postForm("/v1/images/variations", new ServiceFixture.Form().file(
			"image", png).field("n", 1).field("seed", 3).field("steps", 2));
		ServiceEngineTest.assertSame(expected, reply.images());
		assertKindKarlo(reply, "variation");
	}

	@Test
	void interpolationsAnswerOneFramePerWeight() throws Exception {
		final ServiceFixture.Reply reply = fixture.postForm("/v1/images/interpolations", new ServiceFixture.Form()
			.file("image", ServiceFixture.png(32, 32, 0xff336699, false)).field("to_prompt", "a lighthouse").field(
				"frames", 3).field("seed", 7).field("steps", 2));
		assertEquals(3, reply.images().size());
		assertKindKarlo(reply, "interpolation");
	}
}
