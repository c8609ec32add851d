package sc.fiji.unclip.ij.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.gui.Line;
import ij.gui.OvalRoi;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes in macros that use the unCLIP commands: each gives a message that names the problem, the macro
 * stops there, nothing crashes, and the user's image is exactly as it was. In {@code -batch} mode the
 * launcher exits with status 1 and the message on stderr, without a stack trace.
 */
class MacroBadInputTest {

	@TempDir
	Path tmp;

	@BeforeAll
	static void start() {
		LauncherFixture.start();
	}

	private static ImagePlus withOval() {
		final ImagePlus imp = LauncherFixture.scene("cells.tif");
		imp.setRoi(new OvalRoi(8, 8, 16, 16));
		return imp;
	}

	private static void assertFails(final String code, final ImagePlus current, final String message) {
		final LauncherFixture.Snapshot before = current == null ? null : LauncherFixture.Snapshot.of(current);
		final BatchMacro.Result r = LauncherFixture.macro(code + "\nprint(\"the macro went on\");\nreturn \"went on\";",
			current);
		assertTrue(r.failed(), "the macro did not stop: " + code);
		assertEquals(message, r.error());
		assertEquals(1, r.line());
		if (before != null) before.assertUnchanged(current);
	}

	@Test
	void unknownKey() {
		assertFails("run(\"Inpaint Selection...\", \"prompt=[a cat] sead=3\");", withOval(),
			"Inpaint Selection...: unknown key 'sead'; the keys are image, prompt, n, seed, steps, guidance, " +
				"scheduler, grow, feather, output, regions, planes.");
	}

	@Test
	void aFailureInsideALoopKeepsItsReason() {
		assertFails("for (i = 0; i < 2; i++) { run(\"Text to Image...\", \"prompt=[a red circle] n=0 seed=1\"); }",
			null, "Text to Image...: 'n=0' is not valid; n must be a whole number from 1 to 16.");
		assertFails("for (i = 0; i < 2; i++) { run(\"Image Variations...\", \"seed=-5\"); }", withOval(),
			"Image Variations...: 'seed=-5' is not valid; seed must be a whole number of at least -1.");
	}

	@Test
	void theRoiManagerHeadlessSaysWhatToDoInstead() {
		assertFails("run(\"Inpaint Selection...\", \"prompt=[a cat] regions=[roi manager]\");", withOval(),
			"regions=[roi manager] needs the ROI Manager, which headless ImageJ cannot open; select each region " +
				"and use regions=selection (a macro can loop over the regions: makeOval/makeRectangle, then run " +
				"Inpaint Selection...), or run with a display (e.g. xvfb-run).");
	}

	@Test
	void badNumber() {
		assertFails("run(\"Text to Image...\", \"prompt=[a cat] n=abc\");", null,
			"Text to Image...: 'n=abc' is not valid; n must be a whole number from 1 to 16.");
	}

	@Test
	void valueOutOfRange() {
		assertFails("run(\"Image Variations...\", \"guidance=-1\");", withOval(),
			"Image Variations...: 'guidance=-1' is not valid; guidance must be a number from 0 to 100.");
		assertFails("run(\"Image Variations...\", \"strength=2\");", withOval(),
			"Image Variations...: 'strength=2' is not valid; strength must be a number from 0.05 to 1.");
	}

	@Test
	void choiceThatDoesNotExist() {
		assertFails("run(\"Text to Image...\", \"prompt=x scheduler=euler\");", null,
			"Text to Image...: 'scheduler=euler' is not valid; scheduler must be one of \"model default\", " +
				"\"ddim\", \"ddpm\", \"dpmsolver++\" or \"unclip\".");
	}

	@Test
	void noImageOpen() {
		for (final String command : new String[] { "Image Variations...", "Inpaint Selection..." }) {
			final BatchMacro.Result r = LauncherFixture.macro("run(\"" + command + "\", \"seed=1\");\n" +
				"return \"went on\";", null);
			assertTrue(r.failed(), command);
			assertTrue(r.error().startsWith(command) && r.error().contains("open"), r.error());
			assertEquals(1, r.line());
		}
	}

	@Test
	void lineSelectionForInpainting() {
		final ImagePlus imp = LauncherFixture.scene("cells.tif");
		imp.setRoi(new Line(2, 2, 28, 20));
		final LauncherFixture.Snapshot before = LauncherFixture.Snapshot.of(imp);
		final BatchMacro.Result r = LauncherFixture.macro("run(\"Inpaint Selection...\", \"prompt=x seed=1\");" +
			"\nreturn \"went on\";", imp);
		assertTrue(r.failed());
		assertTrue(r.error().contains("line selection"), r.error());
		before.assertUnchanged(imp);
	}

	@Test
	void noSelectionForInpainting() {
		final ImagePlus imp = LauncherFixture.scene("cells.tif");
		final LauncherFixture.Snapshot before = LauncherFixture.Snapshot.of(imp);
		final BatchMacro.Result r = LauncherFixture.macro("run(\"Inpaint Selection...\", \"prompt=x seed=1\");" +
			"\nreturn \"went on\";", imp);
		assertTrue(r.failed());
		assertTrue(r.error().toLowerCase().contains("selection"), r.error());
		before.assertUnchanged(imp);
	}

	@Test
	void batchModeExitsWithStatusOneAndTheMessageButNoStackTrace() throws Exception {
		final Path macro = tmp.resolve("bad.ijm");
		Files.writeString(macro, "print(\"started\");\nrun(\"Text to Image...\", \"prompt=[a cat] n=abc\");\n" +
			"print(\"the macro went on\");\n");
		final LauncherFixture.Run run = LauncherFixture.launcher(tmp, "-batch", macro.toString());
		assertEquals(ImageJLauncher.FAILED, run.exit(), run.err());
		assertEquals("started", run.out().strip());
		assertTrue(run.err().contains("bad.ijm, line 2: Text to Image...: 'n=abc' is not valid; n must be a " +
			"whole number from 1 to 16."), run.err());
		assertFalse(run.err().contains("\tat ") || run.out().contains("\tat "), "a stack trace: " + run.err());
		assertFalse(run.err().contains("Exception") || run.out().contains("Exception"), run.err());
	}

	@Test
	void batchModeExitsWithZeroWhenTheMacroWorkedAndOneForAMissingFile() throws Exception {
		final Path macro = tmp.resolve("good.ijm");
		Files.writeString(macro, "newImage(\"x\", \"RGB white\", 8, 8, 1);\nprint(getWidth());\n");
		final LauncherFixture.Run ok = LauncherFixture.launcher(tmp, "-batch", macro.toString());
		assertEquals(0, ok.exit(), ok.err());
		assertEquals("8", ok.out().strip());
		final LauncherFixture.Run missing = LauncherFixture.launcher(tmp, "-batch", tmp.resolve("nothere.ijm")
			.toString());
		assertEquals(ImageJLauncher.FAILED, missing.exit());
		assertTrue(missing.err().contains("does not exist"), missing.err());
	}
}
