package sc.fiji.unclip.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.util.Arrays;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import sc.fiji.unclip.UnclipException;

/** Every kind of bad request gets an OpenAI-shaped error with the right status, and nothing runs. */
class BadInputTest {

	private static final String GENERATIONS = "/v1/images/generations";
	private static SeededPatternGenerator generator;
	private static ServiceFixture fixture;

	@BeforeAll
	static void start() throws Exception {
		generator = new SeededPatternGenerator(1);
		fixture = new ServiceFixture(ServiceFixture.config().withMaxBodyBytes(1 << 20), generator);
	}

	@AfterAll
	static void stop() {
		fixture.close();
		assertTrue(generator.batchSizes.size() <= 1, "bad requests reached the generator: " +
			generator.batchSizes);
	}

	private static ServiceFixture.Reply json(final String body) throws Exception {
		return fixture.postJson(GENERATIONS, body);
	}

	/**
	 * A Content-Length that is not a number is refused by the JDK's HTTP server itself before any project
	 * code runs (a plain-text 400, not the OpenAI-shaped JSON: README "Reliability"); what matters is that it
	 * is a 400 at once, not a hang or a 500, and that the service keeps serving.
	 */
	@Test
	void aContentLengthThatIsNotANumberIsRefusedAndTheServiceGoesOn() throws Exception {
		try (java.net.Socket socket = new java.net.Socket("127.0.0.1", fixture.base.getPort())) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(("POST " + GENERATIONS + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
				"Content-Type: application/json\r\nContent-Length: abc\r\n\r\n{\"prompt\":\"a\"}")
					.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
			final String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket
				.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII)).readLine();
			assertTrue(status != null && status.startsWith("HTTP/1.1 400"), "status line: " + status);
		}
		assertEquals(200, json("{\"prompt\":\"a red circle\",\"seed\":1}").status());
	}

	@Test
	void malformedJson() throws Exception {
		json("{\"prompt\": \"a red").assertError(400, "invalid_json");
		json("[1,2]").assertError(400, "invalid_json");
	}

	@Test
	void wrongContentType() throws Exception {
		fixture.send(fixture.request(GENERATIONS).header("Content-Type", "text/plain").POST(
			HttpRequest.BodyPublishers.ofString("{\"prompt\":\"x\"}"))).assertError(415,
				"unsupported_media_type");
		fixture.send(fixture.request("/v1/images/variations").header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{}"))).assertError(415, "unsupported_media_type");
	}

	@Test
	void fieldsOfTheWrongType() throws Exception {
		json("{\"prompt\":\"x\",\"n\":\"two\"}").assertError(400, "invalid_type");
		json("{\"prompt\":\"x\",\"n\":1.5}").assertError(400, "invalid_type");
		json("{\"prompt\":42}").assertError(400, "invalid_type");
		json("{\"prompt\":\"x\",\"seed\":{\"a\":1}}").assertError(400, "invalid_type");
		json("{\"prompt\":\"x\",\"guidance\":\"high\"}").assertError(400, "invalid_type");
		json("{\"prompt\":\"x\",\"stream\":\"yes\"}").assertError(400, "invalid_type");
		fixture.postForm("/v1/images/variations", new ServiceFixture.Form().file("image", ServiceFixture.png(
			8, 8, -1, false)).field("n", "many")).assertError(400, "invalid_type");
	}

	@Test
	void emptyOrOverlongPrompt() throws Exception {
		json("{\"prompt\":\"\"}").assertError(400, "invalid_prompt");
		json("{\"prompt\":\"   \"}").assertError(400, "invalid_prompt");
		json("{\"n\":1}").assertError(400, "invalid_prompt");
		json("{\"prompt\":\"" + "a".repeat(1001) + "\"}").assertError(400, "invalid_prompt");
	}

	@Test
	void nOutOfRange() throws Exception {
		json("{\"prompt\":\"x\",\"n\":0}").assertError(400, "invalid_n");
		json("{\"prompt\":\"x\",\"n\":1000}").assertError(400, "invalid_n");
	}

	@Test
	void otherSettingsOutOfRange() throws Exception {
		json("{\"prompt\":\"x\",\"size\":\"100000x100000\"}").assertError(400, "invalid_size");
		json("{\"prompt\":\"x\",\"response_format\":\"png\"}").assertError(400,
			"unsupported_response_format");
		json("{\"prompt\":\"x\",\"model\":\"dall-e-3\"}").assertError(404, "model_not_found");
		json("{\"prompt\":\"x\",\"steps\":0}").assertError(400, "invalid_steps");
		json("{\"prompt\":\"x\",\"guidance\":-1}").assertError(400, "invalid_guidance");
		json("{\"prompt\":\"x\",\"scheduler\":\"../../etc/passwd\"}").assertError(400, "invalid_scheduler");
	}

	@Test
	void hugeImageIsRefusedBeforeDecoding() throws Exception {
		// 5000 x 5000 one-colour PNG compresses to a few kB but would need 100 MB decoded
		fixture.postForm("/v1/images/variations", new ServiceFixture.Form().file("image", ServiceFixture.png(
			5000, 5000, 0xff000000, false))).assertError(400, "image_too_large");
	}

	@Test
	void truncatedNonPngAndEmptyImages() throws Exception {
		final byte[] png = ServiceFixture.png(32, 32, 0xff123456, false);
		fixture.postForm("/v1/images/variations", new ServiceFixture.Form().file("image", Arrays.copyOf(png,
			png.length / 2))).assertError(400, "invalid_image");
		fixture.postForm("/v1/images/variations", new ServiceFixture.Form().file("image",
			"GIF89a not a png".getBytes())).assertError(400, "invalid_image_format");
		fixture.postForm("/v1/images/variations", new ServiceFixture.Form().file("image", new byte[0]))
			.assertError(400, "invalid_image");
		fixture.postForm("/v1/images/variations", new ServiceFixture.Form().field("n", 1)).assertError(400,
			"missing_image");
	}

	@Test
	void maskOfAnotherSize() throws Exception {
		fixture.postForm("/v1/images/edits", new ServiceFixture.Form().file("image", ServiceFixture.png(32,
			32, -1, false)).file("mask", ServiceFixture.png(16, 32, -1, false)).field("prompt", "x"))
			.assertError(400, "invalid_mask");
	}

	@Test
	void bodyOverTheLimit() throws Exception {
		final byte[] big = new byte[(1 << 20) + 10];
		fixture.send(fixture.request("/v1/images/variations").header("Content-Type",
			"multipart/form-data; boundary=x").POST(HttpRequest.BodyPublishers.ofByteArray(big)))
			.assertError(413, "request_too_large");
	}

	@Test
	void malformedMultipart() throws Exception {
		fixture.send(fixture.request("/v1/images/variations").header("Content-Type",
			"multipart/form-data; boundary=zzz").POST(HttpRequest.BodyPublishers.ofString(
				"--zzz\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\n1\r\n"))).assertError(400,
					"invalid_multipart");
	}

	@Test
	void missingOrWrongApiKey() throws Exception {
		try (ServiceFixture keyed = new ServiceFixture(ServiceFixture.config().withApiKey("s3cret-key"),
			generator))
		{
			keyed.postJson(GENERATIONS, "{\"prompt\":\"x\"}").assertError(401, "invalid_api_key");
			keyed.send(keyed.request("/v1/models").header("Authorization", "Bearer s3cret-kez"))
				.assertError(401, "invalid_api_key");
			assertEquals(200, keyed.send(keyed.request("/v1/models").header("Authorization",
				"Bearer s3cret-key")).status());
			assertEquals(200, keyed.get("/health").status(), "health stays open for load balancers");
		}
	}

	@Test
	void noKeyRefusedBeyondLoopback() {
		final UnclipException e = assertThrows(UnclipException.class, () -> InferenceService.start(
			ServiceFixture.config().withAddress("0.0.0.0", 0), generator));
		assertTrue(e.getMessage().contains("UNCLIP_API_KEY"), e.getMessage());
	}
}
