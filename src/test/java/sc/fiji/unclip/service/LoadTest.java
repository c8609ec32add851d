package sc.fiji.unclip.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import net.imglib2.type.numeric.ARGBType;

/**
 * 32 clients at once against a queue of 8: each ends with its own images or a 429 with Retry-After; no 5xx,
 * no hang, no image handed to the wrong client. (The same check with the real engine is in
 * {@link ServiceEngineTest}.)
 */
class LoadTest {

	@Test
	void thirtyTwoClientsQueueOfEightGetTheirImagesOr429() throws Exception {
		final SeededPatternGenerator generator = new SeededPatternGenerator(20);
		try (ServiceFixture fixture = new ServiceFixture(ServiceFixture.config().withQueue(8, 4, Duration
			.ofMillis(10)), generator))
		{
			final ExecutorService clients = Executors.newFixedThreadPool(32);
			final CountDownLatch go = new CountDownLatch(1);
			final List<Future<ServiceFixture.Reply>> replies = new ArrayList<>();
			for (int c = 0; c < 32; c++) {
				final int client = c;
				replies.add(clients.submit(() -> {
					go.await();
					return fixture.postJson("/v1/images/generations", "{\"prompt\":\"client " + client +
						"\",\"n\":2,\"seed\":" + (1000 * client) + ",\"steps\":10}");
				}));
			}
			go.countDown();
			int ok = 0, busy = 0;
			for (int c = 0; c < 32; c++) {
				final ServiceFixture.Reply reply = replies.get(c).get(60, TimeUnit.SECONDS);
				if (reply.status() == 429) {
					reply.assertError(429, "queue_full");
					assertTrue(Integer.parseInt(reply.headers().firstValue("Retry-After").orElseThrow()) >= 1);
					busy++;
					continue;
				}
				final List<int[]> images = reply.images();
				assertEquals(2, images.size());
				for (int i = 0; i < 2; i++)
					assertArrayEquals(pixels("client " + c, 1000L * c + i), images.get(i), "client " + c +
						" got someone else's image " + i);
				ok++;
			}
			clients.shutdown();
			assertEquals(32, ok + busy);
			assertTrue(ok >= 8, "only " + ok + " served");
			assertTrue(busy >= 1, "the queue of 8 never filled with 32 clients");
			assertTrue(generator.batchSizes.stream().anyMatch(s -> s > 1), "never batched");
			assertEquals(0, fixture.get("/health").json().get("queued").getAsInt());
		}
	}

	static int[] pixels(final String prompt, final long seed) {
		final List<Integer> list = new ArrayList<>();
		for (final ARGBType p : SeededPatternGenerator.image(prompt, seed))
			list.add(p.get());
		return list.stream().mapToInt(Integer::intValue).toArray();
	}
}
