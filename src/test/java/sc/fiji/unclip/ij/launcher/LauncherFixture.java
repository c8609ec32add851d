package sc.fiji.unclip.ij.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.WindowManager;
import ij.process.ColorProcessor;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * What the launcher tests share: the launcher's context with the commands installed (once per JVM, as in a
 * launcher session, on the bundled model), macros run in the real ImageJ 1.x interpreter on the test
 * thread, a snapshot of a user's image to prove it unchanged, and the launcher in a child JVM.
 */
final class LauncherFixture {

	private static boolean started;

	private LauncherFixture() {}

	/** The launcher's context and commands; the bundled model, whatever an earlier test chose. */
	static synchronized void start() {
		if (started) return;
		ImageJLauncher.startContext();
		CommandMenus.install(LauncherContext.get());
		final BatchMacro.Result r = BatchMacro.run("run(\"unCLIP Settings...\", \"backend=[bundled model]\");",
			null);
		assertFalse(r.failed(), () -> r.describe("settings"));
		started = true;
	}

	/** Runs macro code headless, with {@code current} (may be null) as the current image. */
	static BatchMacro.Result macro(final String code, final ImagePlus current) {
		start();
		WindowManager.setTempCurrentImage(current);
		try {
			return BatchMacro.run(code, null);
		}
		finally {
			WindowManager.setTempCurrentImage(null);
			// what the macro left open would be the next test's current image
			BatchMacro.run("close(\"*\");", null);
			WindowManager.setTempCurrentImage(null);
		}
	}

	/** A 32 x 32 RGB picture of a red disc on blue, with a title, calibration and info of its own. */
	static ImagePlus scene(final String title) {
		final ColorProcessor ip = new ColorProcessor(32, 32);
		for (int y = 0; y < 32; y++)
			for (int x = 0; x < 32; x++) {
				final int dx = x - 16, dy = y - 16;
				ip.set(x, y, dx * dx + dy * dy < 64 ? 0xff0000 : 0x0000ff);
			}
		final ImagePlus imp = new ImagePlus(title, ip);
		imp.getCalibration().pixelWidth = 0.25;
		imp.getCalibration().setUnit("um");
		imp.setProperty("Info", "acquired by the test");
		return imp;
	}

	/** Pixels and metadata of an image, to show a failed command left it as it was. */
	record Snapshot(int[] pixels, String title, String calibration, Object info, String roi, int type) {

		static Snapshot of(final ImagePlus imp) {
			return new Snapshot(((int[]) imp.getProcessor().convertToRGB().getPixels()).clone(), imp.getTitle(), imp
				.getCalibration().toString(), imp.getProperty("Info"), Objects.toString(imp.getRoi()), imp.getType());
		}

		void assertUnchanged(final ImagePlus imp) {
			final Snapshot now = of(imp);
			assertTrue(Arrays.equals(pixels, now.pixels), "the source image's pixels changed");
			assertEquals(title, now.title);
			assertEquals(calibration, now.calibration);
			assertEquals(info, now.info);
			assertEquals(roi, now.roi);
			assertEquals(type, now.type);
		}
	}

	/** The result of a child JVM. */
	record Run(int exit, String out, String err) {}

	/** {@code java ... sc.fiji.unclip.cli.Main imagej args}, headless, on this test's class path. */
	static Run launcher(final Path home, final String... args) throws Exception {
		final List<String> command = new ArrayList<>(List.of(java(), "-Xmx2g", "-Djava.awt.headless=true",
			"-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), "sc.fiji.unclip.cli.Main",
			"imagej"));
		command.addAll(List.of(args));
		return exec(command, home, 300);
	}

	static Run exec(final List<String> command, final Path home, final int seconds) throws Exception {
		final ProcessBuilder pb = new ProcessBuilder(command);
		pb.environment().put("HOME", home.toString()); // own preferences: nothing remembered from the user
		pb.environment().put("OPT_OUT_TRACKING", "true");
		final File out = home.resolve("stdout.txt").toFile(), err = home.resolve("stderr.txt").toFile();
		pb.redirectOutput(out).redirectError(err);
		final Process p = pb.start();
		if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
			p.destroyForcibly();
			throw new AssertionError("the launcher did not finish in " + seconds + " s: " + command);
		}
		return new Run(p.exitValue(), java.nio.file.Files.readString(out.toPath()), java.nio.file.Files
			.readString(err.toPath()));
	}

	static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	/** The repository's {@code macros/} folder (tests run in the module's base directory). */
	static Path macros() {
		return Path.of("macros").toAbsolutePath();
	}

	/** Macro source text for a file path (forward slashes, quotes escaped). */
	static String path(final Path p) {
		return p.toAbsolutePath().toString().replace('\\', '/').replace("\"", "\\\"");
	}
}
