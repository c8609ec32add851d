package sc.fiji.unclip.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.client.RemoteGenerator;
import sc.fiji.unclip.engine.EmbeddedGenerator;
import sc.fiji.unclip.engine.Offline;
import sc.fiji.unclip.service.InferenceService;
import sc.fiji.unclip.service.ServeCommand;
import sc.fiji.unclip.service.ServiceConfig;

/**
 * Benchmark, not a test: does the service's warm-up at start ({@link ServeCommand#warmUp}) make the first
 * request as fast as the tenth? Each round starts two fresh JVMs, one serving with the warm-up and one
 * without, and times 10 sequential text-to-image requests over loopback HTTP at the model's defaults.
 * Prints per variant the median over rounds of the first request's time, of the tenth's and their ratio
 * (target: first / tenth <= 1 with the warm-up).
 * <p>
 * Run: {@code java -cp "target/classes:target/test-classes:target/lib/*"
 * sc.fiji.unclip.bench.ServiceWarmUpBenchmark [BUNDLE [ROUNDS]]}.
 */
public final class ServiceWarmUpBenchmark {

	private static final int REQUESTS = 10;

	private ServiceWarmUpBenchmark() {}

	public static void main(final String[] args) throws Exception {
		if (args.length > 0 && args[0].equals("--child")) {
			child(Path.of(args[1]), Integer.parseInt(args[2]));
			return;
		}
		final String bundle = args.length > 0 ? args[0] : "models/shapes-tiny";
		final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
		final double[][] first = new double[2][rounds], tenth = new double[2][rounds];
		for (int round = 0; round < rounds; round++)
			for (int variant = 0; variant < 2; variant++) { // 0: warmed up (the default), 1: not
				final double[] times = spawn(bundle, variant == 0 ? 2 : 0);
				first[variant][round] = times[0];
				tenth[variant][round] = times[REQUESTS - 1];
				System.out.printf("round %d, %s: first %.3f s, tenth %.3f s%n", round + 1, variant == 0
					? "warm-up" : "no warm-up", times[0], times[REQUESTS - 1]);
			}
		for (int variant = 0; variant < 2; variant++)
			System.out.printf("%s: first_request %.3f s, tenth_request %.3f s, first_over_tenth %.2f (median " +
				"of %d fresh services)%n", variant == 0 ? "with warm-up (--warm-up-steps 2)" :
					"without (--warm-up-steps 0)", median(first[variant]), median(tenth[variant]), median(
						first[variant]) / median(tenth[variant]), rounds);
	}

	/** In a fresh JVM: serve, optionally warmed up, and time {@value #REQUESTS} requests one after another. */
	private static void child(final Path bundle, final int warmUpSteps) throws Exception {
		Offline.enforce();
		try (EmbeddedGenerator generator = EmbeddedGenerator.open(bundle)) {
			try (InferenceService service = InferenceService.start(ServiceConfig.defaults().withAddress(
				"127.0.0.1", 0), generator))
			{
				ServeCommand.warmUp(service, "127.0.0.1", null, warmUpSteps);
				final RemoteGenerator client = new RemoteGenerator(URI.create("http://127.0.0.1:" + service
					.port()), null, Duration.ofMinutes(5), 5);
				final StringBuilder line = new StringBuilder("times");
				for (int r = 0; r < REQUESTS; r++) {
					final long start = System.nanoTime();
					client.textToImage(new TextToImageRequest("a red circle on a blue background", r),
						ProgressListener.NONE, new Cancellation());
					line.append(' ').append((System.nanoTime() - start) / 1e9);
				}
				System.out.println(line);
			}
		}
		System.exit(0);
	}

	private static double[] spawn(final String bundle, final int warmUpSteps) throws Exception {
		final List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse(
			"java"), "-cp", System.getProperty("java.class.path"), ServiceWarmUpBenchmark.class.getName(),
			"--child", bundle, Integer.toString(warmUpSteps)));
		final Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
		double[] times = null;
		try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
			StandardCharsets.UTF_8)))
		{
			for (String line; (line = r.readLine()) != null;)
				if (line.startsWith("times ")) times = Arrays.stream(line.substring(6).split(" ")).mapToDouble(
					Double::parseDouble).toArray();
		}
		if (p.waitFor() != 0 || times == null) throw new IllegalStateException("the service child failed");
		return times;
	}

	private static double median(final double[] values) {
		final double[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] +
			sorted[sorted.length / 2]) / 2;
	}
}
