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
 * "target/classes:target/test-classes:target/lib/*" sc.fiji.unclip.bench.EngineBenchmark [bundle] [repeats]}.
 * Needs the Python env ({@code models/tools/install.sh}).
 */
public final class EngineBenchmark {

	private EngineBenchmark() {}

	public static void main(final String[] args) throws Exception {
		Offline.enforce();
		final Path bundle = Path.of(args.length > 0 ? args[0] : "models/shapes-tiny");
		final int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 10;
		final String prompt = "a red circle on a blue background";
		final double java;
		try (EmbeddedGenerator generator = EmbeddedGenerator.open(bundle)) {
			for (int seed = 0; seed < 5; seed++)
				generator.textToImage(new TextToImageRequest(prompt, seed), null, null);
			final long start = System.nanoTime();
			for (int seed = 0; seed < repeats; seed++)
				generator.textToImage(new TextToImageRequest(prompt, seed), null, null);
			java = (System.nanoTime() - start) / 1e9 / repeats;
		}
		System.out.printf("java_seconds_per_image %.4f%n", java);
		final String threads = System.getProperty("ai.djl.pytorch.num_threads");
		final double pythonDefault = python(bundle, prompt, repeats, null);
		final double pythonSame = python(bundle, prompt, repeats, threads);
		System.out.printf("python_seconds_per_image %.4f (torch default threads), %.4f (%s threads, as Java)%n",
			pythonDefault, pythonSame, threads);
		System.out.printf("ratio_java_over_python %.3f (vs default threads), %.3f (vs same threads)%n", java /
			pythonDefault, java / pythonSame);
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
		if (threads != null) command.add(threads);
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
