package sc.fiji.unclip.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.engine.EmbeddedGenerator;
import sc.fiji.unclip.engine.Offline;

/**
 * Benchmark, not a test: per-image text-to-image time of the embedded engine on a bundle at its default
 * steps, the same work by the Python reference pipeline in the same run, and their ratio (target <= 1).
 * Run: {@code mvn -q -B package -DskipTests && mvn -q -B test-compile && java -cp
 * "target/classes:target/test-classes:target/lib/*" sc.fiji.unclip.bench.EngineBenchmark [bundle] [repeats] [rounds]}.
 * Needs the Python env ({@code models/tools/install.sh}).
 */
public final class EngineBenchmark {

	private EngineBenchmark() {}

	public static void main(final String[] args) throws Exception {
		Offline.enforce();
		final Path bundle = Path.of(args.length > 0 ? args[0] : "models/shapes-tiny");
		final int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 10;
		final int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
		final String prompt = "a red circle on a blue background";
		// Java and Python take turns, so a busy moment of a shared machine hits both; medians are compared
		final double[] java = new double[rounds], pythonDefault = new double[rounds], pythonSame =
			new double[rounds];
		final String threads;
		try (EmbeddedGenerator generator = EmbeddedGenerator.open(bundle)) {
			threads = System.getProperty("ai.djl.pytorch.num_threads", "auto"); // set by the engine on open
			for (int seed = 0; seed < 5; seed++)
				generator.textToImage(new TextToImageRequest(prompt, seed), null, null);
			for (int round = 0; round < rounds; round++) {
				final long start = System.nanoTime();
				for (int seed = 0; seed < repeats; seed++)
					generator.textToImage(new TextToImageRequest(prompt, seed), null, null);
				java[round] = (System.nanoTime() - start) / 1e9 / repeats;
				System.out.printf("round %d: java_seconds_per_image %.4f%n", round + 1, java[round]);
				pythonDefault[round] = python(bundle, prompt, repeats, null);
				pythonSame[round] = python(bundle, prompt, repeats, threads);
			}
		}
		System.out.printf("java_seconds_per_image %.4f (median of %d rounds of %d images)%n", median(java),
			rounds, repeats);
		System.out.printf("python_seconds_per_image %.4f (torch default threads), %.4f (%s threads, as Java)%n",
			median(pythonDefault), median(pythonSame), threads);
		System.out.printf("ratio_java_over_python %.3f (vs default threads), %.3f (vs same threads)%n", median(
			java) / median(pythonDefault), median(java) / median(pythonSame));
	}

	private static double median(final double[] values) {
		final double[] sorted = values.clone();
		java.util.Arrays.sort(sorted);
		return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] +
			sorted[sorted.length / 2]) / 2;
	}

	private static double python(final Path bundle, final String prompt, final int repeats,
		final String threads) throws Exception
	{
		final Process install = new ProcessBuilder("models/tools/install.sh").redirectError(
			ProcessBuilder.Redirect.INHERIT).start();
		final String venv = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
		if (install.waitFor() != 0) throw new IllegalStateException("models/tools/install.sh failed");
		final java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(venv + "/bin/python",
			"src/test/resources/bench/reference_timing.py", bundle.toString(), prompt, Integer.toString(repeats)));
		if (threads != null && !threads.equals("auto")) command.add(threads);
		final ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
		pb.environment().put("PYTHONPATH", "models/tools");
		final Process p = pb.start();
		String result = null;
		try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
			StandardCharsets.UTF_8)))
		{
			for (String line; (line = r.readLine()) != null;) {
				System.out.println("  (python) " + line);
				if (line.startsWith("python_seconds_per_image ")) result = line.split(" ")[1];
			}
		}
		if (p.waitFor() != 0 || result == null) throw new IllegalStateException("the Python reference failed");
		return Double.parseDouble(result);
	}
}
