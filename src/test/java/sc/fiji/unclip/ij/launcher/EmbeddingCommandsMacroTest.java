package sc.fiji.unclip.ij.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Interpolate... and Edit by Description... through the real ImageJ 1.x macro interpreter, headless in batch
 * mode: the result is the macro's current image (a stack with a weight per slice), its info carries the
 * provenance and the recorded line with every key, that line replays to the same pixels, the source stays
 * as it was, and mistakes stop the macro with a message naming what to do.
 */
class EmbeddingCommandsMacroTest {

	@BeforeAll
	static void start() {
		LauncherFixture.start();
	}

	@Test
	void interpolateToAPromptMakesAStackWithAWeightPerSlice() {
		final ImagePlus scene = LauncherFixture.scene("disc.tif");
		final LauncherFixture.Snapshot before = LauncherFixture.Snapshot.of(scene);
		final BatchMacro.Result r = LauncherFixture.macro("setBatchMode(true);\n" +
			"run(\"Interpolate...\", \"prompt=[a large green square on a yellow background] frames=4 seed=3\");\n" +
			"labels = getInfo(\"slice.label\"); setSlice(nSlices); labels = labels + \",\" + getInfo(\"slice.label\");\n" +
			"info = getImageInfo(); i = indexOf(info, \"unclip.macro: \");\n" +
			"return getTitle() + \"|\" + nSlices + \"|\" + labels + \"|\" + substring(info, i + 14, indexOf(info, \"\\n\", i));",
			scene);
		assertFalse(r.failed(), () -> r.describe("interpolate"));
		final String[] parts = r.returned().split("\\|");
		assertEquals("unCLIP interpolation of disc.tif to a large green square on a yellow background", parts[0]);
		assertEquals("4", parts[1]);
		assertEquals("weight 0,weight 1", parts[2]);
		assertEquals("run(\"Interpolate...\", \"target=[] prompt=[a large green square on a yellow background] " +
			"frames=4 seed=3 steps=0 guidance=0 layout=free scheduler=[model default]\");", parts[3]);
		before.assertUnchanged(scene);
	}

	@Test
	void interpolateToAnOpenImageByTitleAndTheRecordedLineReplays() {
		final String line = "run(\"Interpolate...\", \"target=[unCLIP - a large white triangle on a black " +
			"background] prompt=[] frames=3 seed=5 steps=4 guidance=0 layout=free scheduler=[model default]\");";
		final BatchMacro.Result r = LauncherFixture.macro("setBatchMode(true);\n" +
			"run(\"Text to Image...\", \"prompt=[a large red circle on a blue background] seed=2 steps=4\");\n" +
			"source = getTitle();\n" +
			"run(\"Text to Image...\", \"prompt=[a large white triangle on a black background] seed=1 steps=4\");\n" +
			"selectImage(source);\n" + line + "\nsetSlice(3); a = getPixel(16, 16);\n" +
			"selectImage(source);\n" + line + "\nsetSlice(3); b = getPixel(16, 16);\n" +
			"info = getImageInfo();\n" +
			"return \"\" + nSlices + \"|\" + (a == b) + \"|\" + (indexOf(info, \"unclip.weights: 0.0,0.5,1.0\") >= 0) + " +
			"\"|\" + (indexOf(info, \"unclip.to: image\") >= 0);", null);
		assertFalse(r.failed(), () -> r.describe("interpolate to image"));
		assertEquals("3|1|1|1", r.returned());
	}

	@Test
	void editByDescriptionMakesANewImageAndRecordsEveryKey() {
		final ImagePlus scene = LauncherFixture.scene("disc.tif");
		final LauncherFixture.Snapshot before = LauncherFixture.Snapshot.of(scene);
		final BatchMacro.Result r = LauncherFixture.macro("setBatchMode(true);\n" +
			"run(\"Edit by Description...\", \"from=[a large red circle on a blue background] " +
			"to=[a large yellow circle on a blue background] n=2 seed=4\");\n" +
			"info = getImageInfo(); i = indexOf(info, \"unclip.macro: \");\n" +
			"return getTitle() + \"|\" + nSlices + \"|\" + (indexOf(info, \"unclip.amount: 0.5\") >= 0) + \"|\" + " +
			"substring(info, i + 14, indexOf(info, \"\\n\", i));", scene);
		assertFalse(r.failed(), () -> r.describe("edit by description"));
		final String[] parts = r.returned().split("\\|");
		assertEquals("unCLIP disc.tif edited to a large yellow circle on a blue background", parts[0]);
		assertEquals("2", parts[1]);
		assertEquals("1", parts[2]);
		assertEquals("run(\"Edit by Description...\", \"from=[a large red circle on a blue background] " +
			"to=[a large yellow circle on a blue background] amount=0.5 n=2 seed=4 steps=0 guidance=0 layout=keep " +
			"scheduler=[model default]\");", parts[3]);
		before.assertUnchanged(scene);
	}

	@Test
	void mistakesStopTheMacroWithWhatToDo() {
		assertStops("run(\"Interpolate...\", \"frames=4 seed=1\");", "needs one target");
		assertStops("run(\"Interpolate...\", \"target=[no such image] seed=1\");", "No open image is called " +
			"'no such image'");
		assertStops("run(\"Interpolate...\", \"prompt=x frames=40\");", "'frames=40' is not valid");
		assertStops("run(\"Edit by Description...\", \"from=[a red circle] to=[a blue circle] amount=0.7\");",
			"'amount=0.7' is not valid");
		assertStops("run(\"Edit by Description...\", \"from=[a red circle] to=[a blue circle] layout=fixed\");",
			"'layout=fixed' is not valid");
		assertStops("run(\"Edit by Description...\", \"to=[a blue circle] seed=2\");", "both prompts");
	}

	private static void assertStops(final String code, final String message) {
		final ImagePlus scene = LauncherFixture.scene("disc.tif");
		final LauncherFixture.Snapshot before = LauncherFixture.Snapshot.of(scene);
		final BatchMacro.Result r = LauncherFixture.macro(code + "\nreturn \"went on\";", scene);
		assertTrue(r.failed(), "the macro did not stop: " + code);
		assertTrue(r.error().contains(message), r.error());
		before.assertUnchanged(scene);
	}
}
