package sc.fiji.unclip.ij.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.IJ;
import ij.ImagePlus;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge between ImageJ 1.x macros and SciJava commands, on a test command with one input of each kind
 * ({@link EchoTestCommand}): macro keys are parameter names, values are checked against type, choices and
 * range with a message naming the key, the current image fills the image input, outputs become images.
 */
class LegacyCommandBridgeTest {

	@TempDir
	Path tmp;

	@BeforeAll
	static void start() {
		LauncherFixture.start();
	}

	/** Runs Test Echo on a fresh scene image and returns what the macro returned, or the failure. */
	private BatchMacro.Result echo(final String options, final ImagePlus source) {
		final String out = LauncherFixture.path(tmp.resolve("echo.tif"));
		return LauncherFixture.macro("run(\"Test Echo...\", \"" + options + "\");\n" + //
			"t = getTitle(); info = getMetadata(\"Info\");\n" + //
			"saveAs(\"Tiff\", \"" + out + "\");\n" + //
			"return t;", source);
	}

	@Test
	void macroValuesReachTheCommandByParameterName() {
		final ImagePlus source = LauncherFixture.scene("scene");
		final BatchMacro.Result r = echo("text=[two words] count=3 seed=5 gain=0.5 mode=[add twice] invert=false",
			source);
		assertFalse(r.failed(), () -> r.describe("echo"));
		assertEquals("echo two words 3 5 3.0 false", r.returned());
		final ImagePlus result = IJ.openImage(tmp.resolve("echo.tif").toString());
		assertEquals(((source.getProcessor().get(0, 0) >> 16 & 0xff) + 3), result.getProcessor().get(0, 0) >> 16 &
			0xff, "the output is the current image plus gain * count * 2");
	}

	@Test
	void missingKeysKeepTheCommandsDefaultsAndAMinusOneSeedIsWrittenBack() {
		final BatchMacro.Result r = echo("text=x", LauncherFixture.scene("scene"));
		assertFalse(r.failed(), () -> r.describe("echo"));
		assertEquals("echo x 1 42 1.0 false", r.returned());
	}

	@Test
	void aCheckboxKeyAloneMeansTrueAsInImageJ1AndChoicesIgnoreCase() {
		final BatchMacro.Result r = echo("text=x invert mode=[ADD TWICE]", LauncherFixture.scene("scene"));
		assertFalse(r.failed(), () -> r.describe("echo"));
		assertEquals("echo x 1 42 2.0 true", r.returned());
	}

	@Test
	void recorderStyleNumbersAreAccepted() {
		final BatchMacro.Result r = echo("count=2.0 seed=7 gain=1", LauncherFixture.scene("scene"));
		assertFalse(r.failed(), () -> r.describe("echo"));
		assertEquals("echo hello 2 7 2.0 false", r.returned());
	}

	@Test
	void anUnknownKeyIsNamedWithTheKeysThereAre() {
		final ImagePlus source = LauncherFixture.scene("scene");
		final LauncherFixture.Snapshot before = LauncherFixture.Snapshot.of(source);
		final BatchMacro.Result r = echo("text=x colour=red", source);
		assertTrue(r.failed());
		assertEquals("Test Echo...: unknown key 'colour'; the keys are text, count, seed, gain, mode, invert, " +
			"secret, image.", r.error());
		assertEquals(1, r.line());
		before.assertUnchanged(source);
	}

	@Test
	void badValuesNameTheKeyAndWhatItAccepts() {
		final ImagePlus source = LauncherFixture.scene("scene");
		final LauncherFixture.Snapshot before = LauncherFixture.Snapshot.of(source);
		assertEquals("Test Echo...: 'count=abc' is not valid; count must be a whole number from 1 to 10.", echo(
			"count=abc", source).error());
		assertEquals("Test Echo...: 'count=11' is not valid; count must be a whole number from 1 to 10.", echo(
			"count=11", source).error());
		assertEquals("Test Echo...: 'count=1.5' is not valid; count must be a whole number from 1 to 10.", echo(
			"count=1.5", source).error());
		assertEquals("Test Echo...: 'gain=-1' is not valid; gain must be a number from 0 to 2.", echo("gain=-1",
			source).error());
		assertEquals("Test Echo...: 'gain=NaN' is not valid; gain must be a finite number from 0 to 2.", echo(
			"gain=NaN", source).error());
		assertEquals("Test Echo...: 'mode=multiply' is not valid; mode must be one of \"add\" or \"add twice\".",
			echo("mode=multiply", source).error());
		assertEquals("Test Echo...: 'invert=maybe' is not valid; invert must be true or false.", echo(
			"invert=maybe", source).error());
		assertEquals("Test Echo...: 'seed=-2' is not valid; seed must be a whole number of at least -1.", echo(
			"seed=-2", source).error());
		assertEquals("Test Echo...: the value of 'text' opens a '[' that is never closed.", echo("text=[oops",
			source).error());
		before.assertUnchanged(source);
	}

	@Test
	void withoutAnImageTheMessageSaysToOpenOne() {
		final BatchMacro.Result r = echo("text=x", null);
		assertTrue(r.failed());
		assertEquals("Test Echo... needs an image: open an image first.", r.error());
	}

	@Test
	void anImageKeyNamesTheImageByTitle() {
		final BatchMacro.Result r = LauncherFixture.macro("newImage(\"first\", \"RGB white\", 8, 8, 1);\n" + //
			"newImage(\"second\", \"RGB black\", 8, 8, 1);\n" + //
			"run(\"Test Echo...\", \"image=first count=1 gain=0\");\n" + //
			"v = getPixel(0, 0) & 0xff; t = getTitle();\n" + //
			"run(\"Test Echo...\", \"image=nothere\");\n" + //
			"return t + \" \" + v;", null);
		assertTrue(r.failed());
		assertEquals("Test Echo...: there is no image titled 'nothere' (image=nothere).", r.error());
		assertEquals(5, r.line());
	}

	@Test
	void aCommandThatCancelsItselfAbortsTheMacroWithItsReason() {
		final ImagePlus source = LauncherFixture.scene("scene");
		final LauncherFixture.Snapshot before = LauncherFixture.Snapshot.of(source);
		final BatchMacro.Result r = LauncherFixture.macro("run(\"Test Echo...\", \"text=cancel\");\n" + //
			"print(\"must not run\");\nreturn \"went on\";", source);
		assertTrue(r.failed());
		assertEquals("Echo was asked to cancel: nothing was changed.", r.error());
		assertEquals(1, r.line());
		before.assertUnchanged(source);
	}

	@Test
	void aUserFacingExceptionIsAMessageNotAStackTrace() {
		final BatchMacro.Result r = echo("text=fail", LauncherFixture.scene("scene"));
		assertTrue(r.failed());
		assertEquals("Echo failed on purpose.", r.error());
	}

	@Test
	void theMacroErrorLineIsTheLineOfTheFailingRun() {
		final BatchMacro.Result r = LauncherFixture.macro("a = 1;\n\nb = 2;\nrun(\"Test Echo...\", \"count=0\");\n" +
			"c = 3;\n", LauncherFixture.scene("scene"));
		assertEquals(4, r.line());
		assertEquals("in.ijm, line 4: Test Echo...: 'count=0' is not valid; count must be a whole number from 1 " +
			"to 10.", r.describe("in.ijm"));
	}
}
