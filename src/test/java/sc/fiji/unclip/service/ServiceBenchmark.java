package sc.fiji.unclip.service;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.CancelledException;
import sc.fiji.unclip.Generator;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.client.RemoteGenerator;

/**
 * Benchmarks of the service (figures, not pass/fail tests), run by {@code scripts/service/benchmark.sh}:
 * <ul>
 * <li>{@code batching}: images/second at concurrency 1, 4 and 16, with dynamic batching off (max batch 1)
 * and on, and their ratio;</li>
 * <li>{@code soak}: many requests, some cancelled at random moments and some malformed (bad JSON, bad
 * multipart, a damaged PNG, wrong fields, a wrong key), as careless or hostile clients send them; every valid
 * request must be answered and every malformed one refused with an OpenAI-shaped 4xx; resident memory after
 * the first 100 and at the end, and thread counts.</li>
 * </ul>
 * {@code --generator engine} (default) uses the bundled model;
 * {@code pattern} the test generator, which shows the service's own overhead only.
 */
public final class ServiceBenchmark {

	private ServiceBenchmark() {}

	public static void main(final String[] args) throws Exception {
		final String mode = args.length > 0 ? args[0] : "batching";
		String generatorName = "engine";
		int requests = mode.equals("soak") ? 1000 : 32;
		int steps = 2;
		for (int i = 1; i + 1 < args.length; i += 2) {
			switch (args[i]) {
				case "--generator" -> generatorName = args[i + 1];
				case "--requests" -> requests = Integer.parseInt(args[i + 1]);
				case "--steps" -> steps = Integer.parseInt(args[i + 1]);
				default -> throw new IllegalArgumentException("unknown option " + args[i]);
			}
		}
		final Generator generator = generatorName.equals("engine") ? RealEngine.get()
			: new SeededPatternGenerator(25);
		System.out.println("generator: " + generatorName + " (" + generator.model().name() + "), steps " +
			steps + ", " + Runtime.getRuntime().availableProcessors() + " cores");
		try {
			if (mode.equals("soak")) soak(generator, requests, steps);
			else batching(generator, requests, steps);
		}
		finally {
			generator.close();
		}
		System.exit(0);
	}

	private static void batching(final Generator generator, final int requests, final int steps)
		throws Exception
	{
		// warm-up: the first forward calls are slow (TorchScript profiling)
		run(generator, 1, 2, steps, 1);
		System.out.printf("%-12s %14s %14s %8s%n", "concurrency", "unbatched im/s", "batched im/s",
			"ratio");
		for (final int concurrency : new int[] { 1, 4, 16 }) {
			final double off = run(generator, 1, requests, steps, concurrency);
			final double on = run(generator, 16, requests, steps, concurrency);
			System.out.printf("%-12d %14.2f %14.2f %8.2f%n", concurrency, off, on, on / off);
		}
	}

	/** @return images per second for {@code requests} single-image requests from {@code concurrency} clients */
	private static double run(final Generator generator, final int maxBatch, final int requests,
		final int steps, final int concurrency) throws Exception
	{
		try (InferenceService service = InferenceService.start(ServiceConfig.defaults().withAddress(
			"127.0.0.1", 0).withQueue(64, maxBatch, Duration.ofMillis(maxBatch > 1 ? 10 : 0)), generator))
		{
			final RemoteGenerator client = new RemoteGenerator(URI.create("http://127.0.0.1:" + service
				.port()), null, Duration.ofMinutes(5), 5);
			final ExecutorService pool = Executors.newFixedThreadPool(concurrency);
			final long start = System.nanoTime();
			final List<Future<?>> calls = new ArrayList<>();
			for (int r = 0; r < requests; r++) {
				final long seed = r;
				calls.add(pool.submit(() -> client.textToImage(new TextToImageRequest("a red circle", 1, seed,
					new SamplingOptions(steps, null, null)), ProgressListener.NONE, new Cancellation())));
			}
			for (final Future<?> call : calls)
				call.get();
			pool.shutdown();
			return requests / ((System.nanoTime() - start) / 1e9);
		}
	}

	private static void soak(final Generator generator, final int requests, final int steps)
		throws Exception
	{
		try (InferenceService service = InferenceService.start(ServiceConfig.defaults().withAddress(
			"127.0.0.1", 0).withQueue(64, 8, Duration.ofMillis(10)), generator))
		{
			final RemoteGenerator client = new RemoteGenerator(URI.create("http://127.0.0.1:" + service
				.port()), null, Duration.ofMinutes(5), 5);
			final ExecutorService pool = Executors.newFixedThreadPool(8);
			final ScheduledExecutorService canceller = Executors.newSingleThreadScheduledExecutor();
			final Random random = new Random(1);
			final AtomicInteger completed = new AtomicInteger(), cancelled = new AtomicInteger();
			final AtomicInteger refused = new AtomicInteger(), wronglyAnswered = new AtomicInteger();
			final java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().connectTimeout(Duration
				.ofSeconds(10)).build();
			long rssAfter100 = 0;
			int threadsAfter100 = 0;
			final long start = System.nanoTime();
			for (int batch = 0; batch < requests; batch += 100) {
				final List<Future<?>> calls = new ArrayList<>();
				for (int r = batch; r < Math.min(requests, batch + 100); r++) {
					final long seed = r;
					if (random.nextDouble() < 0.25) {
						final int kind = random.nextInt(MALFORMED.length);
						calls.add(pool.submit(() -> {
							if (sendMalformed(http, service.port(), kind)) refused.incrementAndGet();
							else wronglyAnswered.incrementAndGet();
						}));
						continue;
					}
					final Cancellation cancellation = new Cancellation();
					if (random.nextDouble() < 0.3) canceller.schedule(cancellation::cancel, random.nextInt(300),
						TimeUnit.MILLISECONDS);
					calls.add(pool.submit(() -> {
						try {
							client.textToImage(new TextToImageRequest("a red circle", 1, seed, new SamplingOptions(
								steps, null, null)), ProgressListener.NONE, cancellation);
							completed.incrementAndGet();
						}
						catch (final CancelledException e) {
							cancelled.incrementAndGet();
						}
					}));
				}
				for (final Future<?> call : calls)
					call.get();
				if (batch == 0) {
					System.gc();
					Thread.sleep(500);
					rssAfter100 = rssKiB();
					threadsAfter100 = ManagementFactory.getThreadMXBean().getThreadCount();
				}
			}
			pool.shutdown();
			canceller.shutdown();
			System.gc();
			Thread.sleep(1000);
			final long rssEnd = rssKiB();
			final int threadsEnd = ManagementFactory.getThreadMXBean().getThreadCount();
			System.out.printf("requests %d: completed %d, cancelled %d, in %.1f s%n", requests, completed
				.get(), cancelled.get(), (System.nanoTime() - start) / 1e9);
			System.out.printf("RSS after first 100: %d MiB; at end: %d MiB (%+.1f%%)%n", rssAfter100 / 1024,
				rssEnd / 1024, 100.0 * (rssEnd - rssAfter100) / rssAfter100);
			System.out.printf("threads after first 100: %d; at end: %d%n", threadsAfter100, threadsEnd);
			System.out.printf("service: queued %d, running %d (both should be 0)%n", service.queuedJobs(),
				service.runningJobs());
			System.out.printf("malformed: %d refused with an OpenAI-shaped 4xx, %d answered otherwise%n", refused
				.get(), wronglyAnswered.get());
			final boolean ok = rssEnd <= rssAfter100 * 1.10 && threadsEnd <= threadsAfter100 + 2 && wronglyAnswered
				.get() == 0;
			System.out.println(ok ? "SOAK OK: memory within 10%, threads stable" : "SOAK FAILED");
		}
	}

	/** Requests a careless or hostile client sends: body, content type and the 4xx they must get. */
	private static final String[][] MALFORMED = {
		{ "/v1/images/generations", "application/json", "{\"prompt\": \"a red", "400" },
		{ "/v1/images/generations", "application/json", "{\"prompt\": \"a\", \"n\": \"many\"}", "400" },
		{ "/v1/images/generations", "application/json", "{\"prompt\": \"a\", \"steps\": -3}", "400" },
		{ "/v1/images/generations", "text/plain", "a red circle", "415" },
		{ "/v1/images/variations", "multipart/form-data; boundary=xyz", "--xyz\r\nContent-Disposition: " +
			"form-data; name=\"image\"; filename=\"a.png\"\r\n\r\n\u0089PNG\r\n\u001a\nnot really\r\n--xyz--\r\n", "400" },
		{ "/v1/images/edits", "multipart/form-data; boundary=xyz", "--xyz\r\nContent-Disposition: form-data; " +
			"name=\"prompt\"\r\n\r\na cat", "400" },
		{ "/v1/images/generations", "application/json", "{\"prompt\": \"a\", \"model\": \"gpt-9\"}", "404" },
		{ "/v1/nothing", "application/json", "{}", "404" } };

	/** True when the service refused the malformed request with the expected status and an error body. */
	private static boolean sendMalformed(final java.net.http.HttpClient http, final int port, final int kind) {
		final String[] m = MALFORMED[kind];
		try {
			final var response = http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" +
				port + m[0])).header("Content-Type", m[1]).timeout(Duration.ofSeconds(60)).POST(java.net.http
					.HttpRequest.BodyPublishers.ofByteArray(m[2].getBytes(java.nio.charset.StandardCharsets
						.ISO_8859_1))).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
			return response.statusCode() == Integer.parseInt(m[3]) && com.google.gson.JsonParser.parseString(
				response.body()).getAsJsonObject().getAsJsonObject("error").get("message").getAsString()
				.length() > 10;
		}
		catch (final Exception e) {
			return false;
		}
	}

	private static long rssKiB() throws Exception {
		for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
			if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
		return -1;
	}
}
