package sc.fiji.unclip.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.google.gson.JsonParser;

import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.engine.EmbeddedGenerator;
import sc.fiji.unclip.engine.NetworkTime;
import sc.fiji.unclip.engine.Offline;
import sc.fiji.unclip.engine.TorchSettings;

/**
 * Benchmark, not a test. On the tiny bundle (default {@code models/shapes-tiny}): per-image text-to-image
 * time of the embedded engine at the bundle's default steps, the same work by the Python reference pipeline
 * (torch's default threads, and Java's thread count and OpenMP wait policy), the share of Java's time spent
 * outside the networks (wall time; CPU time from a second pass that reads the CPU clocks), the time from a
 * cold JVM's start to its first image, peak resident memory, and their ratio (target <= 0.95). Java and
 * Python take turns round by round, so a busy moment of a shared machine hits both; medians are compared.
 * <p>
 * Given a {@code kandinsky22} bundle: seconds per decoder step at {@code --size S} (default 512) for Java,
 * from runs of 1 and 1 + {@code --steps K} (default 2) decoder steps, and for diffusers'
 * {@code KandinskyV22Pipeline} when {@code --diffusers DIR} names its save_pretrained folder.
 * <p>
 * Run: {@code mvn -q -B -o package -DskipTests && mvn -q -B -o test-compile && java -cp
 * "target/classes:target/test-classes:target/lib/*" sc.fiji.unclip.bench.EngineBenchmark [BUNDLE [REPEATS
 * [ROUNDS]]] [--size S] [--steps K] [--diffusers DIR] [--cold N]}. Needs the Python env
 * ({@code models/tools/install.sh}).
 */
public final class EngineBenchmark {

	private static final String PROMPT = "a red circle on a blue background";

	/**
	 * Images before Java's rounds, so that they measure the steady state: methods called a few times per image
	 * reach the JVM's optimising compiler only after dozens of images (the compile time per measured image is
	 * printed). Python's reference has no JIT; it warms up 5 images for TorchScript's profiling runs.
	 */
	private static final int JAVA_WARM_UP = 30;
	private static final CompilationMXBean COMPILER = ManagementFactory.getCompilationMXBean();

	private EngineBenchmark() {}

	public static void main(final String[] args) throws Exception {
		Offline.enforce();
		final List<String> positional = new ArrayList<>();
		int size = 512, steps = 2, cold = 3;
		Path diffusers = null;
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--size" -> size = Integer.parseInt(args[++i]);
				case "--steps" -> steps = Integer.parseInt(args[++i]);
				case "--cold" -> cold = Integer.parseInt(args[++i]);
				case "--diffusers" -> diffusers = Path.of(args[++i]);
				default -> positional.add(args[i]);
			}
		}
		final Path bundle = Path.of(positional.size() > 0 ? positional.get(0) : "models/shapes-tiny");
		final int repeats = positional.size() > 1 ? Integer.parseInt(positional.get(1)) : 10;
		final int rounds = positional.size() > 2 ? Integer.parseInt(positional.get(2)) : 3;
		final String kind = JsonParser.parseString(Files.readString(bundle.resolve("unclip.json"))).getAsJsonObject()
			.get("kind").getAsString();
		if (kind.equals("kandinsky22")) kandinsky(bundle, rounds, size, steps, diffusers);
		else tiny(bundle, repeats, rounds, cold);
	}

	private static void tiny(final Path bundle, final int repeats, final int rounds, final int cold)
		throws Exception
	{
		final double[] java = new double[rounds], outside = new double[rounds], outsideCpu =
			new double[rounds], pythonDefault =
			new double[rounds], pythonSame = new double[rounds], coldStart = new double[Math.max(1, cold)];
		final String threads, wait;
		long firstImageRss = 0, compiled = 0;
		final double[] pythonRss = new double[1];
		try (EmbeddedGenerator generator = EmbeddedGenerator.open(bundle)) {
			threads = Integer.toString(TorchSettings.threads());
			wait = TorchSettings.waitPolicyVariable();
			System.out.println("java threads: " + TorchSettings.description());
			for (int seed = 0; seed < JAVA_WARM_UP; seed++)
				generator.textToImage(new TextToImageRequest(PROMPT, seed), null, null);
			for (int round = 0; round < rounds; round++) {
				final long networks = NetworkTime.nanos(), compiling = COMPILER.getTotalCompilationTime(), start =
					System.nanoTime();
				for (int seed = 0; seed < repeats; seed++)
					generator.textToImage(new TextToImageRequest(PROMPT, seed), null, null);
				final long total = System.nanoTime() - start;
				compiled += COMPILER.getTotalCompilationTime() - compiling;
				java[round] = total / 1e9 / repeats;
				outside[round] = 1.0 - (double) (NetworkTime.nanos() - networks) / total;
				outsideCpu[round] = outsideCpu(generator, repeats);
				System.out.printf("round %d: java_seconds_per_image %.4f outside_networks %.1f%% (wall), %.1f%% " +
					"(CPU of the thread running the loop, a second pass)%n", round + 1, java[round], 100 *
						outside[round], 100 * outsideCpu[round]);
				pythonDefault[round] = python(bundle, repeats, null, null, pythonRss);
				pythonSame[round] = python(bundle, repeats, threads, wait, pythonRss);
				if (round < cold) {
					final long[] rss = new long[1];
					coldStart[round] = firstImage(bundle, rss);
					firstImageRss = Math.max(firstImageRss, rss[0]);
					System.out.printf("  cold JVM to first image %.2f s%n", coldStart[round]);
				}
			}
		}
		System.out.printf("java_seconds_per_image %.4f (median of %d rounds of %d images, after %d warm-up " +
			"images; the JVM's compilers took %.1f ms per measured image)%n", median(java), rounds, repeats,
			JAVA_WARM_UP, (double) compiled / (rounds * repeats));
		final String spin = TorchSettings.spinCountVariable();
		System.out.printf("python_seconds_per_image %.4f (torch default threads), %.4f (%s threads, " +
			"OMP_WAIT_POLICY=%s, GOMP_SPINCOUNT=%s, as Java)%n", median(pythonDefault), median(pythonSame), threads,
			wait == null ? "unset" : wait, spin == null ? "unset" : spin);
		System.out.printf("java_outside_networks %.1f%% of Java's wall time, %.1f%% of the CPU time of the thread " +
			"running the loop (medians; the CPU share from a second pass of the same images that reads the CPU " +
			"clocks)%n", 100 * median(outside), 100 * median(outsideCpu));
		if (Math.min(cold, rounds) > 0) System.out.printf("cold_start_to_first_image %.2f s (median of %d fresh " +
			"JVMs, JVM start included)%n", median(Arrays.copyOf(coldStart, Math.min(cold, rounds))), Math.min(cold,
				rounds));
		System.out.printf("peak_rss_mib %d (this JVM), %d (first-image JVM), %.0f (python)%n", peakRssMiB(),
			firstImageRss, pythonRss[0]);
		System.out.printf("ratio_java_over_python %.3f (vs default threads), %.3f (vs same threads)%n", median(
			java) / median(pythonDefault), median(java) / median(pythonSame));
	}

	/**
	 * The share of the loop thread's CPU time outside the networks, from the same images again with the
	 * engine's CPU clocks read around every network call: the engine reads them only when asked, since they
	 * cost time of their own ({@link NetworkTime}), so the wall-time rounds run without them.
	 */
	private static double outsideCpu(final EmbeddedGenerator generator, final int repeats) {
		NetworkTime.countCpu(true);
		try {
			final long networksCpu = NetworkTime.cpuNanos(), cpu = NetworkTime.threadCpu();
			for (int seed = 0; seed < repeats; seed++)
				generator.textToImage(new TextToImageRequest(PROMPT, seed), null, null);
			return 1.0 - (double) (NetworkTime.cpuNanos() - networksCpu) / (NetworkTime.threadCpu() - cpu);
		}
		finally {
			NetworkTime.countCpu(false);
		}
	}

	/** Seconds per decoder step: the difference of runs with 1 and 1 + k decoder steps, divided by k. */
	private static void kandinsky(final Path bundle, final int rounds, final int size, final int k,
		final Path diffusers) throws Exception
	{
		final double[] java = new double[rounds], pythonDefault = new double[rounds], pythonSame =
			new double[rounds];
		final String threads;
		try (EmbeddedGenerator generator = EmbeddedGenerator.open(bundle)) {
			threads = Integer.toString(TorchSettings.threads());
			System.out.println("java threads: " + TorchSettings.description());
			final TextToImageRequest one = new TextToImageRequest(PROMPT, 1, 0, sized(1, size)), more =
				new TextToImageRequest(PROMPT, 1, 0, sized(1 + k, size));
			generator.textToImage(one, null, null); // warm-up
			for (int round = 0; round < rounds; round++) {
				long start = System.nanoTime();
				generator.textToImage(one, null, null);
				final long base = System.nanoTime() - start;
				start = System.nanoTime();
				generator.textToImage(more, null, null);
				java[round] = (System.nanoTime() - start - base) / 1e9 / k;
				System.out.printf("round %d: java_seconds_per_decoder_step %.3f at %dx%d%n", round + 1, java[round],
					size, size);
				if (diffusers != null) {
					pythonDefault[round] = diffusersStep(diffusers, size, k, null);
					pythonSame[round] = diffusersStep(diffusers, size, k, threads);
				}
			}
		}
		System.out.printf("java_seconds_per_decoder_step %.3f at %dx%d (median of %d rounds)%n", median(java),
			size, size, rounds);
		System.out.printf("peak_rss_mib %d (this JVM)%n", peakRssMiB());
		if (diffusers == null) {
			System.out.println("diffusers: not run (give --diffusers DIR, the decoder's save_pretrained folder)");
			return;
		}
		System.out.printf("diffusers_seconds_per_decoder_step %.3f (torch default threads), %.3f (%s threads)%n",
			median(pythonDefault), median(pythonSame), threads);
		System.out.printf("ratio_java_over_python %.3f (vs default threads), %.3f (vs same threads)%n", median(
			java) / median(pythonDefault), median(java) / median(pythonSame));
	}

	/** Sampling options with these decoder steps and a square output size. */
	private static SamplingOptions sized(final int steps, final int size) {
		return new SamplingOptions(steps, null, null, size, size);
	}

	/** Peak resident memory of this process (VmHWM), in MiB; 0 where /proc is absent. */
	static long peakRssMiB() {
		try {
			for (final String line : Files.readAllLines(Path.of("/proc/self/status")))
				if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
		}
		catch (final IOException | RuntimeException e) {
			// not Linux
		}
		return 0;
	}

	private static double median(final double[] values) {
		final double[] sorted = values.clone();
		Arrays.sort(sorted);
		return sorted.length % 2 == 1 ? sorted[sorted.length / 2] : (sorted[sorted.length / 2 - 1] +
			sorted[sorted.length / 2]) / 2;
	}

	/** Seconds from starting a fresh JVM ({@link FirstImage}) to its exit after one image. */
	private static double firstImage(final Path bundle, final long[] rss) throws Exception {
		final String java = ProcessHandle.current().info().command().orElse("java");
		final List<String> command = new ArrayList<>(List.of(java));
		for (final String p : List.of(TorchSettings.THREADS_PROPERTY, "ai.djl.pytorch.num_threads"))
			if (System.getProperty(p) != null) command.add("-D" + p + "=" + System.getProperty(p));
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), FirstImage.class.getName(), bundle
			.toString(), PROMPT));
		final long start = System.nanoTime();
		final String out = run(new ProcessBuilder(command), "first image", "peak_rss_mib ");
		final double seconds = (System.nanoTime() - start) / 1e9;
		rss[0] = Long.parseLong(out);
		return seconds;
	}

	private static double python(final Path bundle, final int repeats, final String threads,
		final String wait, final double[] rss) throws Exception
	{
		final List<String> command = new ArrayList<>(List.of(venvPython(),
			"src/test/resources/bench/reference_timing.py", bundle.toString(), PROMPT, Integer.toString(repeats)));
		if (threads != null) command.add(threads);
		final ProcessBuilder pb = new ProcessBuilder(command);
		pb.environment().put("PYTHONPATH", "models/tools");
		if (wait != null) pb.environment().put("OMP_WAIT_POLICY", wait);
		else pb.environment().remove("OMP_WAIT_POLICY");
		final String spin = TorchSettings.spinCountVariable();
		if (threads != null && spin != null) pb.environment().put("GOMP_SPINCOUNT", spin);
		else pb.environment().remove("GOMP_SPINCOUNT");
		final String[] line = run(pb, "the Python reference", "python_seconds_per_image ").split(" ");
		for (int i = 0; i + 1 < line.length; i++)
			if (line[i].equals("peak_rss_mib")) rss[0] = Math.max(rss[0], Double.parseDouble(line[i + 1]));
		return Double.parseDouble(line[0]);
	}

	private static double diffusersStep(final Path folder, final int size, final int k, final String threads)
		throws Exception
	{
		final List<String> command = new ArrayList<>(List.of(venvPython(),
			"src/test/resources/bench/kandinsky22_timing.py", folder.toString(), Integer.toString(size), Integer
				.toString(k)));
		if (threads != null) command.add(threads);
		return Double.parseDouble(run(new ProcessBuilder(command), "diffusers' Kandinsky 2.2 decoder",
			"diffusers_seconds_per_decoder_step ").split(" ")[0]);
	}

	private static String venvPython() throws Exception {
		final Process install = new ProcessBuilder("models/tools/install.sh").redirectError(
			ProcessBuilder.Redirect.INHERIT).start();
		final String venv = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
		if (install.waitFor() != 0) throw new IllegalStateException("models/tools/install.sh failed");
		return venv + "/bin/python";
	}

	/** Runs a child, echoing its output; returns the rest of its line that starts with {@code key}. */
	private static String run(final ProcessBuilder pb, final String what, final String key) throws Exception {
		final Process p = pb.redirectError(ProcessBuilder.Redirect.INHERIT).start();
		String result = null;
		try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
			StandardCharsets.UTF_8)))
		{
			for (String line; (line = r.readLine()) != null;) {
				System.out.println("  (" + what + ") " + line);
				if (line.startsWith(key)) result = line.substring(key.length());
			}
		}
		if (p.waitFor() != 0 || result == null) throw new IllegalStateException(what + " failed");
		return result;
	}
}
