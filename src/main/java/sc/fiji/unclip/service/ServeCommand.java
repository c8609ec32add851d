package sc.fiji.unclip.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.Generator;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.UnclipException;
import sc.fiji.unclip.client.RemoteGenerator;
import sc.fiji.unclip.engine.EmbeddedGenerator;
import sc.fiji.unclip.engine.Offline;

/**
 * {@code serve [--host 127.0.0.1] [--port 8080] [--model DIR] [--api-key-file F]}: runs the
 * {@link InferenceService} until the process is stopped (SIGTERM/Ctrl-C shut it down gracefully). The API key
 * comes from {@code UNCLIP_API_KEY} or a file, so that it does not show in other users' process lists;
 * {@code --api-key KEY} exists for quick tests only.
 */
public final class ServeCommand {

	private static final String USAGE = "usage: serve [--host 127.0.0.1] [--port 8080] [--model DIR] " +
		"[--api-key-file FILE] [--queue 16] [--max-batch 8] [--batch-wait-ms 25] [--deadline-s 300] " +
		"[--max-body-mb 32] [--read-timeout-s 15] [--model-alias dall-e-2 ...] [--warm-up-steps 2]  (API key " +
		"also from env UNCLIP_API_KEY; each --model-alias is another name clients may send as 'model')";

	private ServeCommand() {}

	public static void main(final String[] args) {
		try {
			run(args);
		}
		catch (final UnclipException e) {
			System.err.println(e.getMessage());
			System.exit(2);
		}
		catch (final IOException e) {
			System.err.println("Cannot start the service: " + e.getMessage());
			System.exit(1);
		}
	}

	static void run(final String[] args) throws IOException {
		ServiceConfig config = ServiceConfig.defaults();
		String host = config.host();
		int port = config.port();
		Path modelDir = null;
		String key = System.getenv("UNCLIP_API_KEY");
		int queue = config.queueCapacity(), batch = config.maxBatch();
		long batchWaitMs = config.maxBatchWait().toMillis(), deadlineS = config.deadline().toSeconds();
		long maxBodyMb = config.maxBodyBytes() >> 20;
		long readTimeoutS = config.readTimeout().toSeconds();
		final java.util.List<String> aliases = new java.util.ArrayList<>();
		int warmUpSteps = 2;
		for (int i = 0; i < args.length; i++) {
			final String flag = args[i];
			if (flag.equals("--help") || flag.equals("-h")) {
				System.out.println(USAGE);
				return;
			}
			if (i + 1 >= args.length) throw new UnclipException(flag + " needs a value. " + USAGE);
			final String value = args[++i];
			switch (flag) {
				case "--host" -> host = value;
				case "--port" -> port = integer(flag, value);
				case "--model" -> modelDir = Path.of(value);
				case "--api-key" -> key = value;
				case "--api-key-file" -> key = readKey(Path.of(value));
				case "--queue" -> queue = integer(flag, value);
				case "--max-batch" -> batch = integer(flag, value);
				case "--batch-wait-ms" -> batchWaitMs = integer(flag, value);
				case "--deadline-s" -> deadlineS = integer(flag, value);
				case "--max-body-mb" -> maxBodyMb = integer(flag, value);
				case "--read-timeout-s" -> readTimeoutS = integer(flag, value);
				case "--model-alias" -> aliases.add(value);
				case "--warm-up-steps" -> warmUpSteps = integer(flag, value);
				default -> throw new UnclipException("Unknown option " + flag + ". " + USAGE);
			}
		}
		config = config.withAddress(host, port).withApiKey(key == null || key.isBlank() ? null : key)
			.withQueue(queue, batch, Duration.ofMillis(batchWaitMs)).withTimeouts(Duration.ofSeconds(
				deadlineS), Duration.ofSeconds(readTimeoutS)).withMaxBodyBytes(maxBodyMb << 20);
		if (!aliases.isEmpty()) config = config.withModelAliases(aliases);
		// read by the JDK server once, when the first server is made (see InferenceService)
		System.setProperty("sun.net.httpserver.maxReqTime", Long.toString(readTimeoutS));
		config.requireKeyOffLoopback(); // before loading the model: fail fast
		Offline.enforce();
		// the bundle's files are checked against their hashes here, before the port opens
		final Generator generator = modelDir == null ? EmbeddedGenerator.openDefault() : EmbeddedGenerator
			.open(modelDir);
		final InferenceService service;
		try {
			service = InferenceService.start(config, generator);
		}
		catch (final IOException | RuntimeException e) {
			generator.close();
			throw e;
		}
		try {
			warmUp(service, config.host(), config.apiKey(), warmUpSteps);
		}
		catch (final RuntimeException e) {
			service.close();
			generator.close();
			throw new UnclipException("The warm-up request failed: " + e.getMessage(), e);
		}
		final CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			service.close();
			generator.close();
			stopped.countDown();
		}, "unclip-shutdown"));
		System.out.println("unCLIP service on http://" + config.host() + ":" + service.port() +
			" serving model '" + service.model().name() + "'" + (config.apiKey() == null
				? " (no API key: loopback only)" : " (API key required)"));
		try {
			stopped.await();
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * One text-to-image request of {@code steps} decoder steps (0: none) through the started service itself,
	 * before it announces itself, so that the first client does not pay the first-call costs of the networks
	 * (native memory pools, kernel selection), of the JIT compiling the engine's Java code, and of the HTTP,
	 * JSON and PNG code loading: measured by {@code sc.fiji.unclip.bench.ServiceWarmUpBenchmark}. It counts
	 * as one served request. Variations and inpainting also use the image encoder, which this does not warm.
	 */
	public static void warmUp(final InferenceService service, final String host, final String apiKey,
		final int steps)
	{
		if (steps <= 0) return;
		final long start = System.nanoTime();
		final String address = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host.contains(":")
			? "[" + host + "]" : host;
		final RemoteGenerator client = new RemoteGenerator(URI.create("http://" + address + ":" + service
			.port()), apiKey, Duration.ofMinutes(30), 0);
		client.textToImage(new TextToImageRequest("warm-up", 1, 0, new SamplingOptions(Math.min(steps, service
			.model().defaultSteps()), null, null)), ProgressListener.NONE, new Cancellation());
		System.out.printf("model warmed up in %.1f s%n", (System.nanoTime() - start) / 1e9);
	}

	private static int integer(final String flag, final String value) {
		try {
			return Integer.parseInt(value);
		}
		catch (final NumberFormatException e) {
			throw new UnclipException(flag + " must be an integer, not '" + value + "'.");
		}
	}

	private static String readKey(final Path file) {
		try {
			final String key = Files.readString(file, StandardCharsets.UTF_8).strip();
			if (key.isEmpty()) throw new UnclipException("The API key file " + file + " is empty.");
			return key;
		}
		catch (final IOException e) {
			throw new UnclipException("Cannot read the API key file " + file + ": " + e.getMessage(), e);
		}
	}
}
