package sc.fiji.unclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU route's mechanism on this CPU machine: DJL using an existing libtorch from
 * {@code PYTORCH_LIBRARY_PATH} (the tools' venv has the torch 2.7.1 wheel), and a clear message naming what to
 * set when that libtorch does not fit. Each case is its own JVM, since DJL loads libtorch once per process.
 */
class LibtorchRouteTest {

	/** torch/lib of the pinned tools venv (models/tools/install.sh), if installed. */
	static Path venvLibtorch() throws IOException {
		final Path root = Path.of(System.getProperty("user.home"), ".cache", "unclip-venv");
		if (!Files.isDirectory(root)) return null;
		try (Stream<Path> venvs = Files.list(root)) {
			for (final Path venv : venvs.sorted().toList()) {
				final Path lib = venv.resolve("lib");
				if (!Files.isDirectory(lib)) continue;
				try (Stream<Path> pythons = Files.list(lib)) {
					for (final Path python : pythons.toList()) {
						final Path torch = python.resolve("site-packages/torch/lib");
						if (Files.isRegularFile(torch.resolve("libtorch.so"))) return torch;
					}
				}
			}
		}
		return null;
	}

	record Outcome(int code, String output) {}

	static Outcome generate(final Path out, final String libraryPath, final String version, final String flavor)
		throws Exception
	{
		final ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
			.toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(), "generate", "--prompt",
			"a red circle", "--steps", "2", "--quiet", "true", "--model", MainTest.MODEL, "--out", out.toString()))
				.redirectErrorStream(true);
		pb.environment().put("PYTORCH_LIBRARY_PATH", libraryPath);
		pb.environment().put("PYTORCH_VERSION", version);
		pb.environment().put("PYTORCH_FLAVOR", flavor);
		final Process p = pb.start();
		final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		return new Outcome(p.waitFor(), output);
	}

	@Test
	void anExistingTorch271RunsTheEngine(@TempDir final Path dir) throws Exception {
		final Path torch = venvLibtorch();
		assumeTrue(torch != null, "the tools venv (models/tools/install.sh) is not installed");
		final Outcome ok = generate(dir.resolve("ok.png"), torch.toString(), "2.7.1", "cpu");
		assertEquals(0, ok.code(), ok.output());
		assertTrue(Files.size(dir.resolve("ok.png")) > 0);
	}

	@Test
	void aMismatchedLibtorchSaysWhatToSet(@TempDir final Path dir) throws Exception {
		final Path torch = venvLibtorch();
		assumeTrue(torch != null, "the tools venv (models/tools/install.sh) is not installed");
		for (final String[] wrong : new String[][] { { "2.5.1", "cpu" }, { "2.7.1", "cu128" } }) {
			final Outcome bad = generate(dir.resolve("bad.png"), torch.toString(), wrong[0], wrong[1]);
			assertEquals(Main.FAILED, bad.code(), bad.output());
			final String line = bad.output().lines().filter(l -> l.startsWith("unclip:")).findFirst().orElse("");
			assertTrue(line.contains("PYTORCH_LIBRARY_PATH=" + torch), line);
			assertTrue(line.contains("PYTORCH_VERSION=2.7.1") && line.contains("PYTORCH_FLAVOR=cpu") && line
				.contains("cu128"), line);
			assertTrue(!line.contains("internal error") && !line.contains("EngineException"), line);
		}
	}
}
