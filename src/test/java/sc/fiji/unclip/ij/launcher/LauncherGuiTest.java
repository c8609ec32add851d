package sc.fiji.unclip.ij.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The launcher's real ImageJ 1.x window, under Xvfb in a child JVM ({@link GuiSession} plays the user): the
 * unCLIP menu holds each command once; a command run from the menu with the recorder open records a line
 * that replays, in a fresh headless interpreter, to the same pixels; Inpaint Selection on an oval selection
 * gives the screenshot the README shows (docs/inpaint-selection.png); Esc stops a long run.
 * <p>
 * Needs {@code xvfb-run} (Debian's xvfb, which .ci/run installs) or a display; skips otherwise. Screenshots
 * go to {@code target/launcher-gui/}; they replace the ones in {@code docs/} when
 * {@code -Dunclip.docs=true} is given or when {@code docs/} has none yet.
 */
class LauncherGuiTest {

	static final Path OUT = Path.of("target", "launcher-gui").toAbsolutePath();

	@BeforeAll
	static void start() {
		LauncherFixture.start();
	}

	/** The command that gives a child JVM a display: xvfb-run with its own server, or the display we have. */
	static List<String> display() {
		for (final String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator))
			if (Files.isExecutable(Path.of(dir, "xvfb-run"))) return List.of(Path.of(dir, "xvfb-run").toString(),
				"-a", "-s", "-screen 0 1280x800x24");
		final String display = System.getenv("DISPLAY");
		Assumptions.assumeTrue(display != null && !display.isEmpty(),
			"no DISPLAY and no xvfb-run: install Debian's xvfb (.ci/run does) to test the ImageJ window");
		return List.of();
	}

	/** Runs {@link GuiSession} with the given scenarios and returns its output folder. */
	static Path session(final String name, final String... scenarios) throws Exception {
		final Path out = OUT.resolve(name);
		if (Files.isDirectory(out)) try (var files = Files.walk(out)) {
			files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
		}
		Files.createDirectories(out);
		final Path home = Files.createDirectories(out.resolve("home"));
		final List<String> command = new ArrayList<>(display());
		command.addAll(List.of(LauncherFixture.java(), "-Xmx2g", "-Djava.awt.headless=false", "-Duser.home=" + home,
			"-Dai.djl.offline=true",
			// the thread count of this JVM, which replays the recorded lines: libtorch's sums round differently
			// with another number of threads (one 8-bit level here and there)
			"-Dunclip.threads=" + System.getProperty("unclip.threads", "1"), "-cp", System.getProperty("java.class.path"), GuiSession.class.getName(), out
				.toString()));
		command.addAll(List.of(scenarios));
		final Path djl = Path.of(System.getProperty("user.home"), ".djl.ai");
		final ProcessBuilder pb = new ProcessBuilder(command);
		// a home of its own (no remembered settings), but the libtorch DJL unpacked already
		pb.environment().put("HOME", home.toString());
		if (Files.isDirectory(djl)) pb.environment().putIfAbsent("ENGINE_CACHE_DIR", djl.toString());
		pb.environment().put("OPT_OUT_TRACKING", "true");
		pb.redirectErrorStream(true).redirectOutput(out.resolve("session.log").toFile());
		final Process p = pb.start();
		if (!p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS)) {
			p.destroyForcibly();
			throw new AssertionError("the ImageJ session did not finish; see " + out.resolve("session.log"));
		}
		assertEquals(0, p.exitValue(), () -> "the ImageJ session failed:\n" + read(out.resolve("session.log")));
		return out;
	}

	static String read(final Path file) {
		try {
			return Files.readString(file);
		}
		catch (final java.io.IOException e) {
			return "(" + file + ": " + e.getMessage() + ")";
		}
	}

	@Test
	void aRecordedMenuRunReplaysToTheSamePixels() throws Exception {
		final Path out = session("record", "record");
		final String menu = Files.readString(out.resolve("menu.txt"));
		for (final String command : CommandMenusTest.COMMANDS)
			assertEquals(1, menu.lines().filter(command::equals).count(), command + " in Plugins > unCLIP:\n" + menu);

		final String recorded = Files.readString(out.resolve("recorded.txt"));
		final Matcher m = Pattern.compile("run\\(\"Text to Image\\.\\.\\.\", \"([^\"]*)\"\\);").matcher(recorded);
		assertTrue(m.find(), "no Text to Image line in the recorder:\n" + recorded);
		final String line = m.group();
		final MacroOptions options = MacroOptions.parse(m.group(1));
		assertEquals(List.of("prompt", "n", "seed", "steps", "guidance", "scheduler"), new ArrayList<>(options
			.values().keySet()), "keys are the parameter names, in order: " + line);
		assertEquals("two red circles", options.values().get("prompt"));
		assertEquals("model default", options.values().get("scheduler"));
		final long seed = Long.parseLong(options.values().get("seed"));
		assertTrue(seed >= 0, "the seed the command picked is recorded, not -1: " + line);

		// the dialog remembers what was typed (the seed as typed: -1 stays random); Cancel adds nothing
		assertEquals("prompt=two red circles\nseed=-1\nrecorder=2\nnew images=0\n", Files.readString(out
			.resolve("remembered.txt")));

		final ImagePlus gui = IJ.openImage(out.resolve("gui-result.tif").toString());
		assertNotNull(gui);
		final Path replayed = out.resolve("replayed.tif");
		final BatchMacro.Result r = LauncherFixture.macro(line + "\nsaveAs(\"Tiff\", \"" + LauncherFixture.path(
			replayed) + "\");", null);
		assertFalse(r.failed(), () -> r.describe(line));
		final ImagePlus replay = IJ.openImage(replayed.toString());
		assertEquals(gui.getStackSize(), replay.getStackSize());
		for (int i = 1; i <= gui.getStackSize(); i++)
			assertArrayEquals((int[]) gui.getStack().getPixels(i), (int[]) replay.getStack().getPixels(i),
				"plane " + i + " of the replayed line differs from the GUI run");
	}

	@Test
	void theBatchMacroOfEveryCommandSavesInTheGuiWhatItSavesHeadless() throws Exception {
		final Path out = session("every", "every");
		final Path gui = out.resolve("batch");
		assertEquals(MacrosTest.EVERY_COMMAND_SUMMARY, Files.readAllLines(gui.resolve("summary.txt")));
		final Path headless = out.resolve("headless");
		final BatchMacro.Result r = BatchMacro.runFile(LauncherFixture.macros().resolve("every-command.ijm"),
			headless.toString());
		BatchMacro.run("close(\"*\");", null);
		assertFalse(r.failed(), () -> r.describe("every-command.ijm"));
		assertEquals(MacrosTest.EVERY_COMMAND_SUMMARY, Files.readAllLines(headless.resolve("summary.txt")));
		for (final String png : List.of("text-to-image.png", "variations.png", "inpaint.png"))
			assertArrayEquals((int[]) IJ.openImage(headless.resolve(png).toString()).getProcessor().getPixels(),
				(int[]) IJ.openImage(gui.resolve(png).toString()).getProcessor().getPixels(), png);
		// outside batch mode a command opens one window: not one from the command and one from a display
		assertEquals("title=unCLIP - a red circle on a blue background\nimages=1\nwindows=1\n", Files
			.readString(out.resolve("windows.txt")));
		assertArrayEquals((int[]) IJ.openImage(headless.resolve("text-to-image.png").toString()).getProcessor()
			.getPixels(), (int[]) IJ.openImage(out.resolve("window.png").toString()).getProcessor().getPixels());
	}

	@Test
	void inpaintSelectionFromTheMenuGivesTheReadmeScreenshot() throws Exception {
		final Path out = session("inpaint", "inpaint");
		for (final String name : List.of("inpaint-selection.png", "inpaint-selection-dialog.png")) {
			final Path shot = out.resolve(name);
			final java.awt.image.BufferedImage image = ImageIO.read(shot.toFile());
			assertNotNull(image, name);
			assertTrue(image.getWidth() > 300 && image.getHeight() > 200, name + " is " + image.getWidth() + "x" +
				image.getHeight());
			final Path docs = Path.of("docs", name);
			if (Boolean.getBoolean("unclip.docs") || !Files.exists(docs)) {
				Files.createDirectories(docs.getParent());
				Files.copy(shot, docs, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		final ImagePlus result = IJ.openImage(out.resolve("inpaint-result.tif").toString());
		assertEquals(96, result.getWidth());
		final ImagePlus scene = GuiSession.scene();
		// outside the oval (30, 30, 36, 36) the result is the scene: pixels never leave the selection
		assertEquals(scene.getProcessor().get(5, 5), result.getProcessor().get(5, 5) & 0xffffff);
		assertEquals(scene.getProcessor().get(48, 20), result.getProcessor().get(48, 20) & 0xffffff);
		assertTrue(((String) result.getProperty("Info")).contains("unclip.prompt: a yellow square"));
	}

	@Test
	void mistakesInTheGuiAreErrorDialogsAndTheImageStaysAsItWas() throws Exception {
		final Path out = session("errors", "errors");
		final List<String> lines = Files.readAllLines(out.resolve("errors.txt"));
		assertTrue(lines.get(0).startsWith("unCLIP: Image Variations...") && lines.get(0).contains("open"), lines
			.get(0));
		assertTrue(lines.get(1).startsWith("unCLIP: ") && lines.get(1).toLowerCase().contains("selection"), lines
			.get(1));
		assertEquals("unCLIP: Text to Image...: 'n=abc' is not valid; n must be a whole number from 1 to 16.",
			lines.get(2));
		assertEquals("unchanged=true", lines.get(3));
		assertEquals("images=1", lines.get(4), "only the scene is open: no result for a failed command");
	}

	@Test
	void escapeStopsALongRunWithoutAnImage() throws Exception {
		final Path out = session("escape", "escape");
		final String report = Files.readString(out.resolve("escape.txt"));
		assertTrue(report.contains("status=Cancelled"), report);
		assertTrue(report.contains("images=0"), report);
		final double seconds = Double.parseDouble(report.replaceAll("(?s).*seconds=([0-9.E-]+).*", "$1"));
		assertTrue(seconds < 10, "Esc took " + seconds + " s to stop the run");
	}
}
