package sc.fiji.unclip.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.unclip.engine.io.PngIO;

/** The command line on the real bundle: files, provenance chunks, exit codes, messages, no network. */
class MainTest {

	static final String MODEL = "models/shapes-tiny";

	record Run(int code, String out, String err) {}

	static Run run(final String... args) {
		final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
		final int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err,
			true, StandardCharsets.UTF_8));
		return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
	}

	@Test
	void generateWritesNumberedPngsWithProvenance(@TempDir final Path dir) throws Exception {
		final Path out = dir.resolve("circle.png");
		final Run r = run("generate", "--prompt", "a red circle on a blue background", "--n", "2", "--seed", "7",
			"--steps", "3", "--model", MODEL, "--out", out.toString());
		assertEquals(Main.OK, r.code(), r.err());
		assertTrue(r.err().contains("decoder") && r.err().contains("3/3"), "no progress bar: " + r.err());
		for (int i = 1; i <= 2; i++) {
			final Path file = dir.resolve("circle-" + i + ".png");
			try (InputStream in = Files.newInputStream(file)) {
				final PngIO.Decoded png = PngIO.decode(in);
				assertEquals(32, png.image().dimension(0));
				assertEquals("a red circle on a blue background", png.text().get("unclip.prompt"));
				assertEquals("7", png.text().get("unclip.seed"));
				assertEquals(Long.toString(7 + i - 1), png.text().get("unclip.image.seed"));
				assertEquals("3", png.text().get("unclip.steps"));
				assertEquals("shapes-tiny", png.text().get("unclip.model"));
				assertEquals("tiny", png.text().get("unclip.model.kind"));
			}
		}
	}

	@Test
	void varyAndInpaintRunFromFiles(@TempDir final Path dir) throws Exception {
		final Path source = dir.resolve("source.png");
		assertEquals(Main.OK, run("generate", "--prompt", "a white square", "--steps", "2", "--model", MODEL,
			"--out", source.toString()).code());
		final Run vary = run("vary", "--image", source.toString(), "--strength", "0.5", "--steps", "4", "--model",
			MODEL, "--out", dir.resolve("v.png").toString());
		assertEquals(Main.OK, vary.code(), vary.err());
		final Path mask = Path.of("src/test/resources/fixtures/inpaint/mask.png");
		final Run inpaint = run("inpaint", "--image", source.toString(), "--mask", mask.toString(), "--prompt",
			"a red circle", "--steps", "2", "--model", MODEL, "--out", dir.resolve("i.png").toString());
		assertEquals(Main.OK, inpaint.code(), inpaint.err());
		assertTrue(Files.size(dir.resolve("i.png")) > 100);
	}

	@Test
	void badCommandLinesExitTwoAndFailuresOneWithAReason(@TempDir final Path dir) throws Exception {
		assertEquals(Main.USAGE, run().code());
		assertTrue(run("paint").err().contains("unknown command 'paint'"));
		assertTrue(run("generate", "--out", "x.png").err().contains("needs --prompt"));
		final Run steps = run("generate", "--prompt", "a", "--steps", "many", "--out", "x.png");
		assertEquals(Main.USAGE, steps.code());
		assertTrue(steps.err().contains("--steps must be a whole number"), steps.err());
		final Run empty = run("generate", "--prompt", "   ", "--model", MODEL, "--out", dir.resolve("e.png")
			.toString());
		assertEquals(Main.FAILED, empty.code());
		assertTrue(empty.err().contains("prompt is empty"), empty.err());
		final Run noModel = run("generate", "--prompt", "a", "--model", dir.resolve("nothing").toString(),
			"--out", dir.resolve("n.png").toString());
		assertEquals(Main.FAILED, noModel.code());
		assertTrue(noModel.err().contains("does not exist"), noModel.err());
		final Run noImage = run("vary", "--image", dir.resolve("missing.png").toString(), "--out", "v.png");
		assertEquals(Main.FAILED, noImage.code());
		assertTrue(noImage.err().contains("missing.png does not exist"), noImage.err());
		assertEquals(1, empty.err().strip().lines().count(), "more than one line: " + empty.err());
	}

	@Test
	void aDuplicatedFlagASeedBeyond64BitsAndAFolderAsOutAreRefusedBeforeAnyWork(@TempDir final Path dir) {
		final Run twice = run("generate", "--prompt", "a", "--out", "a.png", "--out", "b.png");
		assertEquals(Main.USAGE, twice.code());
		assertTrue(twice.err().contains("--out is given twice (a.png, b.png)"), twice.err());
		final Run seed = run("generate", "--prompt", "a", "--seed", "99999999999999999999", "--out", "a.png");
		assertEquals(Main.USAGE, seed.code());
		assertTrue(seed.err().contains(Long.toString(Long.MAX_VALUE)), seed.err());
		// refused before the model loads or any step runs: no progress output at all
		final Run folder = run("generate", "--prompt", "a red circle", "--model", MODEL, "--out", dir.toString());
		assertEquals(Main.USAGE, folder.code());
		assertTrue(folder.err().contains("is a folder") && !folder.err().contains("decoder"), folder.err());
	}

	@Test
	void writtenImagesLeaveNoPartialFileBehind(@TempDir final Path dir) throws Exception {
		final Path out = dir.resolve("one.png");
		Files.writeString(out, "an older file");
		assertEquals(Main.OK, run("generate", "--prompt", "a red circle", "--steps", "2", "--model", MODEL,
			"--out", out.toString()).code());
		try (InputStream in = Files.newInputStream(out)) {
			assertEquals(32, PngIO.read(in).dimension(0));
		}
		try (var files = Files.list(dir)) {
			assertEquals(List.of(out), files.toList(), "only the finished PNG is left");
		}
		final Path readOnly = dir.resolve("locked");
		Files.createDirectories(readOnly);
		readOnly.toFile().setWritable(false);
		try {
			final Run r = run("generate", "--prompt", "a red circle", "--steps", "2", "--model", MODEL, "--out",
				readOnly.resolve("x.png").toString());
			if (!readOnly.toFile().canWrite()) { // root may write anyway
				assertEquals(Main.FAILED, r.code());
				assertEquals(1, r.err().strip().lines().filter(l -> l.startsWith("unclip:")).count(), r.err());
			}
			try (var files = Files.list(readOnly)) {
				assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".part")));
			}
		}
		finally {
			readOnly.toFile().setWritable(true);
		}
	}

	@Test
	void helpAfterACommandPrintsThatCommandsUsage() {
		for (final String command : List.of("generate", "vary", "inpaint")) {
			final Run r = run(command, "--help");
			assertEquals(Main.OK, r.code(), r.err());
			assertTrue(r.out().startsWith("usage: java -jar unclip.jar " + command + " --"), r.out());
			assertTrue(r.err().isEmpty(), r.err());
		}
		assertTrue(run("generate", "--prompt", "a", "-h").out().contains("--prompt TEXT"));
	}

	/** The real process: the shipped logging provider is found and stays quiet on a plain generate. */
	@Test
	void aPlainGeneratePrintsOnlyProgressAndTheFileName(@TempDir final Path dir) throws Exception {
		final Path out = dir.resolve("quiet.png");
		final Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
			"-cp", System.getProperty("java.class.path"), Main.class.getName(), "generate", "--prompt",
			"a red circle", "--steps", "2", "--model", MODEL, "--out", out.toString()).redirectErrorStream(false)
				.start();
		final String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		final String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
		assertEquals(0, p.waitFor(), stderr);
		assertEquals(out.toString(), stdout.strip());
		assertTrue(!stderr.contains("SLF4J"), stderr);
		for (final String line : stderr.split("[\\r\\n]+"))
			assertTrue(line.isBlank() || line.matches("(decoder|upsampler|prior)\\s+\\[[# ]*\\].*"),
				"not a progress line: '" + line + "' in " + stderr);
	}

	@Test
	void tamperedOrTruncatedBundleFilesAreNamed(@TempDir final Path dir) throws Exception {
		final Path copy = dir.resolve("bundle");
		Files.createDirectories(copy);
		try (var files = Files.list(Path.of(MODEL))) {
			for (final Path f : files.toList())
				Files.copy(f, copy.resolve(f.getFileName()));
		}
		final byte[] prior = Files.readAllBytes(copy.resolve("prior.pt"));
		Files.write(copy.resolve("prior.pt"), java.util.Arrays.copyOf(prior, prior.length / 2));
		final Run truncated = run("generate", "--prompt", "a", "--model", copy.toString(), "--out", dir.resolve(
			"t.png").toString());
		assertEquals(Main.FAILED, truncated.code());
		assertTrue(truncated.err().contains("prior.pt is damaged"), truncated.err());
		prior[prior.length - 100] ^= 1;
		Files.write(copy.resolve("prior.pt"), prior);
		assertTrue(run("generate", "--prompt", "a", "--model", copy.toString(), "--out", "t.png").err().contains(
			"prior.pt is damaged"));
		Files.delete(copy.resolve("tokenizer.json"));
		assertTrue(run("generate", "--prompt", "a", "--model", copy.toString(), "--out", "t.png").err().contains(
			"tokenizer.json is missing"));
	}

	@Test
	void everyEntryPointKeepsDjlOffline(@TempDir final Path dir) throws Exception {
		for (final List<String> entry : List.of(List.of("cli", "generate", "--prompt", "a", "--steps", "1",
			"--model", MODEL, "--out", dir.resolve("o.png").toString()), List.of("generator", MODEL), List.of(
				"plugin")))
		{
			final List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
				"java").toString(), "-cp", System.getProperty("java.class.path"), OfflineProbe.class.getName()));
			command.addAll(entry);
			final ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
			pb.environment().remove("OPT_OUT_TRACKING");
			pb.environment().remove("UNCLIP_ALLOW_DOWNLOADS");
			final Process p = pb.start();
			final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertEquals(0, p.waitFor(), output);
			assertTrue(output.contains("ai.djl.offline=true"), entry.get(0) + ": " + output);
			assertTrue(output.contains("OPT_OUT_TRACKING=true"), entry.get(0) + ": " + output);
			assertTrue(!output.contains("exit ") || output.contains("exit 0"), output);
			assertTrue(!entry.get(0).equals("plugin") || output.contains("plugin made"), output);
		}
	}
}
