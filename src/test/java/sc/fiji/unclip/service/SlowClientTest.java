package sc.fiji.unclip.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A client that sends its body a byte a second holds only its own connection, and is cut off by the
 * request timer ({@code sun.net.httpserver.maxReqTime}, set by {@link InferenceService}).
 */
class SlowClientTest {

	@Test
	void slowSenderIsClosedWithoutBlockingOthers() throws Exception {
		final SeededPatternGenerator generator = new SeededPatternGenerator(1);
		try (ServiceFixture fixture = new ServiceFixture(ServiceFixture.config(), generator);
			Socket slow = new Socket("127.0.0.1", fixture.service.port()))
		{
			final long start = System.nanoTime();
			final String body = "{\"prompt\":\"a red circle\",\"seed\":1,\"steps\":1}";
			final OutputStream out = slow.getOutputStream();
			out.write(("POST /v1/images/generations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json" +
				"\r\nContent-Length: " + body.length() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			out.flush();
			final CompletableFuture<Integer> trickle = CompletableFuture.supplyAsync(() -> {
				try {
					for (final byte b : body.getBytes(StandardCharsets.US_ASCII)) {
						out.write(b);
						out.flush();
						Thread.sleep(1000);
					}
					return slow.getInputStream().read();
				}
				catch (final IOException e) {
					return -1; // closed by the server: what we want
				}
				catch (final InterruptedException e) {
					return -2;
				}
			});
			// meanwhile another client is served at once
			Thread.sleep(1500);
			final long before = System.nanoTime();
			fixture.postJson("/v1/images/generations", "{\"prompt\":\"fast\",\"seed\":2,\"steps\":1}")
				.images();
			assertTrue(System.nanoTime() - before < TimeUnit.SECONDS.toNanos(5),
				"a slow client blocked another");
			final InputStream in = slow.getInputStream();
			final int first = trickle.get(60, TimeUnit.SECONDS);
			final double seconds = (System.nanoTime() - start) / 1e9;
			assertTrue(first == -1 || (first != 'H' && in.read() == -1),
				"the slow connection was answered instead of closed");
			assertTrue(seconds < 35, "closed only after " + seconds + " s");
			assertEquals(0, fixture.get("/health").json().get("running").getAsInt());
		}
	}
}
