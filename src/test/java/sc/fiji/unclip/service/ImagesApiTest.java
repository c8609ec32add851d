package sc.fiji.unclip.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import net.imglib2.img.array.ArrayImg;

/**
 * The service's own behaviour on every endpoint: response shapes, provenance, streaming, cancellation,
 * batching, deadlines, shutdown. The generator here is {@link SeededPatternGenerator}; what the engine
 * computes through the service is checked in {@link ServiceEngineTest}.
 */
class ImagesApiTest {

	private SeededPatternGenerator generator;
	private ServiceFixture fixture;

	@BeforeEach
	void start() throws Exception {
		generator = new SeededPatternGenerator(20);
		fixture = new ServiceFixture(ServiceFixture.config().withQueue(8, 8, Duration.ofMillis(150)),
			generator);
	}

	@AfterEach
	void stop() {
		fixture.close();
	}

	private static int[] expected(final String prompt, final long seed) {
		final int[] argb = new int[SeededPatternGenerator.SIZE * SeededPatternGenerator.SIZE];
		final var img = (ArrayImg<?, ?>) SeededPatternGenerator.image(prompt, seed);
		int i = 0;
		for (final Object p : img)
			argb[i++] = ((net.imglib2.type.numeric.ARGBType) p).get();
		return argb;
	}

	@Test
	void generationsReturnOneB64PngPerSeedWithProvenance() throws Exception {
		final ServiceFixture.Reply reply = fixture.postJson("/v1/images/generations",
			"{\"prompt\":\"a red circle\",\"n\":2,\"seed\":41,\"steps\":2,\"response_format\":\"b64_json\"," +
				"\"size\":\"16x16\",\"model\":\"pattern-test\"}");
		final List<int[]> images = reply.images();
		assertEquals(2, images.size());
		assertArrayEquals(expected("a red circle", 41), images.get(0));
		assertArrayEquals(expected("a red circle", 42), images.get(1));
		final JsonObject json = reply.json();
		assertTrue(json.get("created").getAsLong() > 1_700_000_000L);
		assertEquals("41", json.getAsJsonObject("unclip").get("unclip.seed").getAsString());
		assertEquals("true", json.getAsJsonObject("unclip").get("unclip.generated").getAsString());
		final byte[] png = java.util.Base64.getDecoder().decode(json.getAsJsonArray("data").get(0)
			.getAsJsonObject().get("b64_json").getAsString());
		final var text = sc.fiji.unclip.engine.io.PngIO.decode(new java.io.ByteArrayInputStream(png)).text();
		assertEquals("a red circle", text.get("unclip.prompt"), "provenance text chunk missing");
		assertEquals("41", text.get("unclip.seed"));
		assertTrue(reply.headers().firstValue("X-Unclip-Job").isPresent());
	}

	@Test
	void anOpenAiSizeIsAnsweredByResamplingAndSaysSo() throws Exception {
		final JsonObject json = fixture.postJson("/v1/images/generations",
			"{\"prompt\":\"a red circle\",\"seed\":1,\"size\":\"256x256\"}").json();
		final byte[] png = java.util.Base64.getDecoder().decode(json.getAsJsonArray("data").get(0)
			.getAsJsonObject().get("b64_json").getAsString());
		final var decoded = sc.fiji.unclip.engine.io.PngIO.decode(new java.io.ByteArrayInputStream(png));
		assertEquals(256, decoded.image().dimension(0));
		assertEquals(256, decoded.image().dimension(1));
		assertEquals(SeededPatternGenerator.SIZE + "x" + SeededPatternGenerator.SIZE, decoded.text().get(
			"unclip.resampled_from"));
		fixture.postJson("/v1/images/generations", "{\"prompt\":\"x\",\"size\":\"large\"}").assertError(400,
			"invalid_size");
		fixture.postJson("/v1/images/generations", "{\"prompt\":\"x\",\"size\":\"4x4\"}").assertError(400,
			"invalid_size");
	}

	@Test
	void generationsWithoutSeedPickAFreshOneAndReportIt() throws Exception {
		final JsonObject a = fixture.postJson("/v1/images/generations", "{\"prompt\":\"x\",\"steps\":1}")
			.json();
		final JsonObject b = fixture.postJson("/v1/images/generations", "{\"prompt\":\"x\",\"steps\":1}")
			.json();
		assertNotEquals(a.getAsJsonObject("unclip").get("unclip.seed"), b.getAsJsonObject("unclip").get(
			"unclip.seed"));
	}

	@Test
	void variationsTakeAMultipartPng() throws Exception {
		final ServiceFixture.Reply reply = fixture.postForm("/v1/images/variations", new ServiceFixture.Form()
			.file("image", ServiceFixture.png(20, 10, 0xff336699, false)).field("n", 1).field("seed", 3).field(
				"steps", 1).field("strength", 0.5));
		assertEquals(1, reply.images().size());
		assertEquals("variations", reply.json().getAsJsonObject("unclip").get("unclip.mode").getAsString());
		assertEquals("0.5", reply.json().getAsJsonObject("unclip").get("unclip.strength").getAsString());
	}

	@Test
	void editsTakeAWhiteMaskOrTransparentPixels() throws Exception {
		final byte[] image = ServiceFixture.png(16, 16, 0xff00ff00, false);
		final ServiceFixture.Reply withMask = fixture.postForm("/v1/images/edits", new ServiceFixture.Form()
			.file("image", image).file("mask", ServiceFixture.png(16, 16, 0xffffffff, false)).field("prompt",
				"a blue square").field("seed", 9).field("steps", 1));
		final long everywhere = SeededPatternGenerator.maskChecksum(net.imglib2.img.array.ArrayImgs
			.unsignedBytes(filled(16 * 16, 255), 16, 16));
		assertArrayEquals(expected("a blue square:" + checksumOf(0xff00ff00) + ":" + everywhere, 9),
			withMask.images().get(0));
		final ServiceFixture.Reply transparentImage = fixture.postForm("/v1/images/edits",
			new ServiceFixture.Form().file("image", ServiceFixture.png(16, 16, 0x00000000, true)).field(
				"prompt", "a blue square").field("seed", 9).field("steps", 1));
		assertArrayEquals(expected("a blue square:" + checksumOf(0) + ":" + everywhere, 9),
			transparentImage.images().get(0));
		final ServiceFixture.Reply opaqueNoMask = fixture.postForm("/v1/images/edits",
			new ServiceFixture.Form().file("image", image).field("prompt", "a blue square"));
		opaqueNoMask.assertError(400, "missing_mask");
	}

	private static byte[] filled(final int length, final int value) {
		final byte[] bytes = new byte[length];
		java.util.Arrays.fill(bytes, (byte) value);
		return bytes;
	}

	private static long checksumOf(final int argb) {
		final int[] pixels = new int[16 * 16];
		java.util.Arrays.fill(pixels, argb);
		return SeededPatternGenerator.checksum(net.imglib2.img.array.ArrayImgs.argbs(pixels, 16, 16));
	}

	@Test
	void urlFormatLinksToThePngOnThisServerAndNoFormatSendsBoth() throws Exception {
		final JsonObject url = fixture.postJson("/v1/images/generations", "{\"prompt\":\"a red circle\"," +
			"\"seed\":41,\"response_format\":\"url\",\"model\":\"dall-e-2\"}").json();
		final JsonObject item = url.getAsJsonArray("data").get(0).getAsJsonObject();
		assertFalse(item.has("b64_json"), item.toString());
		final String link = item.get("url").getAsString();
		assertTrue(link.startsWith("http://127.0.0.1:" + fixture.service.port() + InferenceService.RESULTS), link);
		final var download = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(java.net.URI
			.create(link)).build(), HttpResponse.BodyHandlers.ofByteArray());
		assertEquals(200, download.statusCode());
		assertEquals("image/png", download.headers().firstValue("Content-Type").orElse(""));
		final var png = sc.fiji.unclip.engine.io.PngIO.decode(new java.io.ByteArrayInputStream(download.body()));
		assertEquals("41", png.text().get("unclip.seed"), "the linked PNG carries its provenance");
		final JsonObject both = fixture.postJson("/v1/images/generations",
			"{\"prompt\":\"a red circle\",\"seed\":41}").json().getAsJsonArray("data").get(0).getAsJsonObject();
		assertTrue(both.has("url") && both.has("b64_json"), "no response_format: both, " + both.keySet());
		assertArrayEquals(download.body(), java.util.Base64.getDecoder().decode(both.get("b64_json")
			.getAsString()), "the same seed, the same PNG by link and inline");
		fixture.get(InferenceService.RESULTS + "0123456789abcdef0123456789abcdef.png").assertError(404,
			"result_not_found");
		fixture.postJson("/v1/images/generations", "{\"prompt\":\"a\",\"model\":\"gpt-image-9\"}")
			.assertError(404, "model_not_found");
		fixture.postJson("/v1/images/generations", "{\"prompt\":\"a\",\"response_format\":\"jpeg\"}")
			.assertError(400, "unsupported_response_format");
	}

	@Test
	void resultLinksAreBoundedInSizeAndTime() {
		final ResultStore store = new ResultStore(Duration.ofMillis(300), 10);
		final String a = store.put(new byte[6]);
		final String b = store.put(new byte[6]); // over 10 bytes: a goes
		assertEquals(null, store.get(a));
		assertEquals(6, store.get(b).length);
		assertNotEquals(a, b);
		assertTrue(b.matches("[0-9a-f]{32}\\.png"), b);
		final long until = System.nanoTime() + 2_000_000_000L;
		while (store.get(b) != null && System.nanoTime() < until)
			Thread.onSpinWait();
		assertEquals(null, store.get(b), "expired after its lifetime");
	}

	@Test
	void modelsAndHealthDescribeTheService() throws Exception {
		final JsonObject models = fixture.get("/v1/models").json();
		assertEquals("list", models.get("object").getAsString());
		final JsonObject model = models.getAsJsonArray("data").get(0).getAsJsonObject();
		assertEquals("pattern-test", model.get("id").getAsString());
		assertEquals(16, model.getAsJsonObject("unclip").get("resolution").getAsInt());
		final ServiceFixture.Reply health = fixture.get("/health");
		assertEquals(200, health.status());
		assertEquals("ok", health.json().get("status").getAsString());
		fixture.get("/v1/nothing").assertError(404, "not_found");
		final ServiceFixture.Reply post = fixture.send(fixture.request("/v1/models").POST(HttpRequest
			.BodyPublishers.noBody()));
		post.assertError(405, "method_not_allowed");
		assertEquals("GET", post.headers().firstValue("Allow").orElse("none"), "a 405 names the allowed method");
		final ServiceFixture.Reply get = fixture.get("/v1/images/generations");
		get.assertError(405, "method_not_allowed");
		assertEquals("POST", get.headers().firstValue("Allow").orElse("none"));
	}

	/** Reads server-sent events until the stream ends: a list of {event, data} pairs. */
	private static List<String[]> events(final InputStream body) throws Exception {
		final List<String[]> events = new ArrayList<>();
		try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
			String event = null;
			for (String line; (line = in.readLine()) != null;) {
				if (line.startsWith("event: ")) event = line.substring(7);
				else if (line.startsWith("data: ")) events.add(new String[] { event, line.substring(6) });
			}
		}
		return events;
	}

	@Test
	void streamSendsJobThenProgressThenResult() throws Exception {
		final HttpResponse<InputStream> response = fixture.http.send(fixture.request(
			"/v1/images/generations").header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers
				.ofString("{\"prompt\":\"p\",\"seed\":5,\"steps\":3,\"stream\":true}")).build(),
			HttpResponse.BodyHandlers.ofInputStream());
		assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElse(""));
		final List<String[]> events = events(response.body());
		assertEquals("job", events.get(0)[0]);
		assertEquals(List.of("progress", "progress", "progress", "result"), events.subList(1, events.size())
			.stream().map(e -> e[0]).toList());
		assertEquals(3, JsonParser.parseString(events.get(3)[1]).getAsJsonObject().get("step").getAsInt());
		assertEquals(1, JsonParser.parseString(events.get(4)[1]).getAsJsonObject().getAsJsonArray("data")
			.size());
	}

	@Test
	void cancelEndpointStopsAStreamedJob() throws Exception {
		final HttpResponse<InputStream> response = fixture.http.send(fixture.request(
			"/v1/images/generations").header("Accept", "text/event-stream").header("Content-Type",
				"application/json").POST(HttpRequest.BodyPublishers.ofString(
					"{\"prompt\":\"p\",\"seed\":5,\"steps\":200}")).build(), HttpResponse.BodyHandlers
						.ofInputStream());
		final BufferedReader in = new BufferedReader(new InputStreamReader(response.body(),
			StandardCharsets.UTF_8));
		in.readLine(); // event: job
		final String id = JsonParser.parseString(in.readLine().substring(6)).getAsJsonObject().get("id")
			.getAsString();
		final long start = System.nanoTime();
		final ServiceFixture.Reply cancel = fixture.send(fixture.request("/v1/jobs/" + id + "/cancel").POST(
			HttpRequest.BodyPublishers.noBody()));
		assertEquals(200, cancel.status(), cancel.body());
		String last = null;
		for (String line; (line = in.readLine()) != null;)
			if (line.startsWith("event: ")) last = line;
		assertEquals("event: error", last);
		assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "cancel took too long");
		fixture.send(fixture.request("/v1/jobs/" + id + "/cancel").POST(HttpRequest.BodyPublishers
			.noBody())).assertError(404, "job_not_found");
	}

	@Test
	void disconnectingClientCancelsItsJob() throws Exception {
		final HttpResponse<InputStream> response = fixture.http.send(fixture.request(
			"/v1/images/generations").header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers
				.ofString("{\"prompt\":\"p\",\"seed\":5,\"steps\":250,\"stream\":true}")).build(),
			HttpResponse.BodyHandlers.ofInputStream());
		assertEquals(200, response.statusCode());
		final InputStream body = response.body();
		body.read(new byte[16]);
		final long started = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
		while (fixture.get("/health").json().get("running").getAsInt() != 1) {
			assertTrue(System.nanoTime() < started, "the job never started: " + fixture.get("/health").body());
			Thread.sleep(20);
		}
		body.close(); // 250 steps x 20 ms = 5 s of work left
		final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
		while (fixture.get("/health").json().get("running").getAsInt() != 0) {
			assertTrue(System.nanoTime() < until, "the job kept running after its client left");
			Thread.sleep(50);
		}
	}

	@Test
	void aPlainClientHangingUpCancelsItsJob() throws Exception {
		final String body = "{\"prompt\":\"p\",\"seed\":6,\"steps\":250}";
		try (java.net.Socket socket = new java.net.Socket("127.0.0.1", fixture.base.getPort())) {
			socket.getOutputStream().write(("POST /v1/images/generations HTTP/1.1\r\nHost: x\r\n" +
				"Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
					.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
			final long started = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
			while (fixture.get("/health").json().get("running").getAsInt() != 1) {
				assertTrue(System.nanoTime() < started, "the job never started: " + fixture.get("/health").body());
				Thread.sleep(20);
			}
		} // hang up: 250 steps x 20 ms = 5 s of work left
		final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
		while (fixture.get("/health").json().get("running").getAsInt() != 0) {
			assertTrue(System.nanoTime() < until, "the job kept running after its client hung up");
			Thread.sleep(50);
		}
	}

	@Test
	void waitingRequestsWithSameSettingsRunAsOneBatch() throws Exception {
		// occupy the runner so that the next requests queue up together
		final CompletableFuture<ServiceFixture.Reply> blocker = CompletableFuture.supplyAsync(() -> post(
			"{\"prompt\":\"block\",\"seed\":1,\"steps\":10}"));
		Thread.sleep(100);
		final List<CompletableFuture<ServiceFixture.Reply>> batch = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			final int seed = 100 + i;
			batch.add(CompletableFuture.supplyAsync(() -> post("{\"prompt\":\"c" + seed + "\",\"seed\":" +
				seed + ",\"steps\":2}")));
		}
		blocker.get(30, TimeUnit.SECONDS).images();
		for (int i = 0; i < 4; i++)
			assertArrayEquals(expected("c" + (100 + i), 100 + i), batch.get(i).get(30, TimeUnit.SECONDS)
				.images().get(0));
		assertTrue(generator.batchSizes.stream().anyMatch(size -> size > 1), "no batch formed: " +
			generator.batchSizes);
		assertEquals(5, generator.batchSizes.stream().mapToInt(Integer::intValue).sum());
	}

	private ServiceFixture.Reply post(final String json) {
		try {
			return fixture.postJson("/v1/images/generations", json);
		}
		catch (final Exception e) {
			throw new IllegalStateException(e);
		}
	}

	@Test
	void requestsPastTheDeadlineGet504() throws Exception {
		try (ServiceFixture shortDeadline = new ServiceFixture(ServiceFixture.config().withTimeouts(Duration
			.ofMillis(300), Duration.ofSeconds(15)), generator))
		{
			shortDeadline.postJson("/v1/images/generations", "{\"prompt\":\"p\",\"steps\":100}").assertError(
				504, "deadline_exceeded");
			assertEquals(200, shortDeadline.postJson("/v1/images/generations",
				"{\"prompt\":\"p\",\"steps\":2}").status());
		}
	}

	@Test
	void shutdownFinishesInFlightWorkThenRefusesNewWork() throws Exception {
		final CompletableFuture<ServiceFixture.Reply> inFlight = CompletableFuture.supplyAsync(() -> post(
			"{\"prompt\":\"p\",\"seed\":7,\"steps\":20}"));
		Thread.sleep(150);
		fixture.close();
		assertArrayEquals(expected("p", 7), inFlight.get(10, TimeUnit.SECONDS).images().get(0));
		assertFalse(canConnect(), "the server still accepts connections after shutdown");
	}

	private boolean canConnect() {
		try (java.net.Socket s = new java.net.Socket("127.0.0.1", fixture.service.port())) {
			return true;
		}
		catch (final java.io.IOException e) {
			return false;
		}
	}
}
