package sc.fiji.unclip.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpServer;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.view.Views;
import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.CancelledException;
import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.InpaintRequest;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.UnclipException;
import sc.fiji.unclip.VariationRequest;
import sc.fiji.unclip.service.InferenceService;
import sc.fiji.unclip.service.SeededPatternGenerator;
import sc.fiji.unclip.service.ServiceConfig;

/**
 * The HTTP client against a real service on loopback: same images as calling the generator directly,
 * progress and cancel passed through, retries on 429, clear messages for 401, 413 and no server; and the
 * standard parameters only against a plain OpenAI-style server.
 */
class RemoteGeneratorTest {

	private SeededPatternGenerator generator;
	private InferenceService service;
	private RemoteGenerator remote;

	@BeforeEach
	void start() throws IOException {
		generator = new SeededPatternGenerator(20);
		service = InferenceService.start(ServiceConfig.defaults().withAddress("127.0.0.1", 0).withQueue(1, 1,
			Duration.ZERO), generator);
		remote = new RemoteGenerator(URI.create("http://127.0.0.1:" + service.port()), null, Duration
			.ofSeconds(30), 20);
	}

	@AfterEach
	void stop() {
		remote.close();
		service.close();
	}

	static int[] pixels(final RandomAccessibleInterval<ARGBType> image) {
		final List<Integer> list = new ArrayList<>();
		for (final ARGBType p : Views.flatIterable(image))
			list.add(p.get() | 0xff000000);
		return list.stream().mapToInt(Integer::intValue).toArray();
	}

	static void assertSameImages(final GenerationResult expected, final GenerationResult actual) {
		assertEquals(expected.images().size(), actual.images().size());
		for (int i = 0; i < expected.images().size(); i++)
			assertArrayEquals(pixels(expected.images().get(i)), pixels(actual.images().get(i)), "image " + i);
	}

	@Test
	void textToImageOverHttpEqualsTheDirectCallAndReportsProgress() {
		final TextToImageRequest request = new TextToImageRequest("a green ring", 3, 77, new SamplingOptions(4,
			2.0, "ddim"));
		final List<String> progress = new ArrayList<>();
		final GenerationResult result = remote.textToImage(request, (stage, step, total) -> progress.add(
			stage + " " + step + "/" + total), new Cancellation());
		assertSameImages(generator.textToImage(request, ProgressListener.NONE, new Cancellation()), result);
		assertEquals(List.of("decoder 1/4", "decoder 2/4", "decoder 3/4", "decoder 4/4"), progress);
		assertEquals(77, result.provenance().seed());
		assertEquals("pattern-test", result.provenance().modelName());
		assertEquals("pattern-test", remote.model().name());
		assertEquals(16, remote.model().resolution());
	}

	@Test
	void variationsAndInpaintingCarryImageAndMask() {
		final int[] argb = new int[16 * 16];
		for (int i = 0; i < argb.length; i++)
			argb[i] = 0xff000000 | i * 997;
		final Img<ARGBType> image = ArrayImgs.argbs(argb, 16, 16);
		final VariationRequest vary = new VariationRequest(image, 2, 5, 1.0, SamplingOptions.DEFAULTS);
		assertSameImages(generator.vary(vary, ProgressListener.NONE, new Cancellation()), remote.vary(vary,
			ProgressListener.NONE, new Cancellation()));
		final byte[] maskBytes = new byte[16 * 16];
		for (int i = 0; i < maskBytes.length; i++)
			maskBytes[i] = (byte) (i % 16 < 8 ? 255 : 0);
		final Img<UnsignedByteType> mask = ArrayImgs.unsignedBytes(maskBytes, 16, 16);
		final InpaintRequest inpaint = new InpaintRequest(image, mask, "fill", 1, 8, 0,
			SamplingOptions.DEFAULTS);
		assertSameImages(generator.inpaint(inpaint, ProgressListener.NONE, new Cancellation()), remote
			.inpaint(inpaint, ProgressListener.NONE, new Cancellation()));
	}

	@Test
	void cancellingStopsTheRemoteJob() throws Exception {
		final Cancellation cancellation = new Cancellation();
		final long start = System.nanoTime();
		assertThrows(CancelledException.class, () -> remote.textToImage(new TextToImageRequest("slow", 1, 1,
			new SamplingOptions(200, null, null)), (stage, step, total) -> {
				if (step == 3) cancellation.cancel();
			}, cancellation));
		assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "cancel was slow");
		final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
		while (running() != 0) {
			assertTrue(System.nanoTime() < until, "the server kept running the cancelled job");
			Thread.sleep(20);
		}
	}

	private int running() throws Exception {
		final var http = java.net.http.HttpClient.newHttpClient();
		final String body = http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" +
			service.port() + "/health")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
		return JsonParser.parseString(body).getAsJsonObject().get("running").getAsInt();
	}

	@Test
	void busyServerIsRetriedUntilItAnswers() throws Exception {
		// queue of 1: with one job running and one waiting, a third request is refused with 429 at first
		final List<CompletableFuture<GenerationResult>> calls = new ArrayList<>();
		for (int c = 0; c < 4; c++) {
			final TextToImageRequest request = new TextToImageRequest("client " + c, 1, c, new SamplingOptions(
				10, null, null));
			calls.add(CompletableFuture.supplyAsync(() -> remote.textToImage(request, ProgressListener.NONE,
				new Cancellation())));
		}
		for (int c = 0; c < 4; c++)
			assertArrayEquals(pixels(SeededPatternGenerator.image("client " + c, c)), pixels(calls.get(c).get(
				60, TimeUnit.SECONDS).images().get(0)));
		assertEquals(4, generator.batchSizes.size(), "each request ran exactly once");
	}

	@Test
	void wrongKeyTooLargeAndUnreachableGiveClearMessages() throws Exception {
		try (InferenceService keyed = InferenceService.start(ServiceConfig.defaults().withAddress(
			"127.0.0.1", 0).withApiKey("right").withMaxBodyBytes(2000), generator))
		{
			final URI uri = URI.create("http://127.0.0.1:" + keyed.port());
			final UnclipException denied = assertThrows(UnclipException.class, () -> new RemoteGenerator(uri,
				"wrong", Duration.ofSeconds(10), 2).model());
			assertTrue(denied.getMessage().contains("refused the API key (401)"), denied.getMessage());
			final int[] noise = new int[64 * 64];
			for (int i = 0; i < noise.length; i++)
				noise[i] = (int) (Math.random() * 0xffffff);
			final RemoteGenerator client = new RemoteGenerator(uri, "right", Duration.ofSeconds(10), 2);
			final UnclipException tooLarge = assertThrows(UnclipException.class, () -> client.vary(
				new VariationRequest(ArrayImgs.argbs(noise, 64, 64), 1, 1, 1, SamplingOptions.DEFAULTS),
				ProgressListener.NONE, new Cancellation()));
			assertTrue(tooLarge.getMessage().contains("too large") && tooLarge.getMessage().contains("413"),
				tooLarge.getMessage());
		}
		final int closedPort;
		try (ServerSocket s = new ServerSocket(0)) {
			closedPort = s.getLocalPort();
		}
		final UnclipException unreachable = assertThrows(UnclipException.class, () -> new RemoteGenerator(
			URI.create("http://127.0.0.1:" + closedPort), null, Duration.ofSeconds(5), 1).model());
		assertTrue(unreachable.getMessage().contains("Cannot reach the unCLIP server") && unreachable
			.getMessage().contains("connection refused"), unreachable.getMessage());
		final UnclipException unknown = assertThrows(UnclipException.class, () -> new RemoteGenerator(URI
			.create("http://no-such-host.invalid:8080"), null, Duration.ofSeconds(5), 8).model());
		assertTrue(unknown.getMessage().contains("unknown host"), unknown.getMessage());
	}

	/**
	 * A stand-in for a plain OpenAI-compatible server (no network here to reach a real one): it refuses
	 * unknown parameters, as OpenAI does, and knows nothing of streaming.
	 */
	@Test
	void plainOpenAiServerGetsOnlyStandardParameters() throws Exception {
		final HttpServer plain = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		final byte[] png = SeededPatternGeneratorPng.png();
		plain.createContext("/v1/models", e -> reply(e, 200, "{\"object\":\"list\",\"data\":[{\"id\":" +
			"\"dall-e-2\",\"object\":\"model\"}]}"));
		plain.createContext("/v1/images/generations", e -> {
			final JsonObject body = JsonParser.parseString(new String(e.getRequestBody().readAllBytes(),
				StandardCharsets.UTF_8)).getAsJsonObject();
			for (final String key : body.keySet())
				if (!List.of("prompt", "n", "size", "response_format", "model").contains(key)) {
					reply(e, 400, "{\"error\":{\"message\":\"Unrecognized request argument supplied: " + key +
						"\",\"type\":\"invalid_request_error\",\"code\":null}}");
					return;
				}
			reply(e, 200, "{\"created\":1,\"data\":[{\"b64_json\":\"" + Base64.getEncoder().encodeToString(
				png) + "\"}]}");
		});
		plain.start();
		try {
			final RemoteGenerator client = new RemoteGenerator(URI.create("http://127.0.0.1:" + plain
				.getAddress().getPort()), "sk-test", Duration.ofSeconds(10), 1);
			final GenerationResult result = client.textToImage(new TextToImageRequest("a cat", 4), ProgressListener.NONE,
				new Cancellation());
			assertEquals(1, result.images().size());
			assertEquals("dall-e-2", result.provenance().modelName());
			assertTrue(result.warnings().get(0).contains("cannot be reproduced"));
		}
		finally {
			plain.stop(0);
		}
	}

	private static void reply(final com.sun.net.httpserver.HttpExchange e, final int status,
		final String json) throws IOException
	{
		final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
		e.getResponseHeaders().set("Content-Type", "application/json");
		e.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = e.getResponseBody()) {
			out.write(bytes);
		}
	}

	/** A small PNG for the plain server to send back. */
	private static final class SeededPatternGeneratorPng {

		static byte[] png() {
			return PngTransfer.rgb(SeededPatternGenerator.image("plain", 1));
		}
	}
}
