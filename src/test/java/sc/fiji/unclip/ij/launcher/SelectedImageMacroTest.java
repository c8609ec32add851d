package sc.fiji.unclip.ij.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * In a batch-mode macro, each command works on the image the macro selected last, however many commands ran
 * before it. Seen in real Fiji (imagej-legacy 2.0.3, headless): commands run on pooled SciJava threads, the
 * image input is that thread's current image, and a batch-mode {@code show()} of an earlier result made that
 * result the pooled thread's current image, so a later command worked on an earlier result instead of the
 * selected image.
 */
class SelectedImageMacroTest {

	@BeforeAll
	static void start() {
		LauncherFixture.start();
	}

	@Test
	void everyCommandWorksOnTheImageTheMacroSelected() {
		final BatchMacro.Result r = LauncherFixture.macro("setBatchMode(true);\n" +
			"run(\"Text to Image...\", \"prompt=[a red circle on a blue background] seed=7 steps=2\");\n" +
			"rename(\"A\");\n" +
			"run(\"Text to Image...\", \"prompt=[a white triangle on a black background] seed=1 steps=2\");\n" +
			"rename(\"B\");\n" +
			"s = \"\";\n" +
			"for (i = 0; i < 3; i++) {\n" +
			"  selectImage(\"A\");\n" +
			"  run(\"Image Variations...\", \"seed=11 steps=2\");\n" +
			"  s = s + getTitle() + \"|\";\n" +
			"}\n" +
			"selectImage(\"A\"); makeOval(8, 8, 16, 16);\n" +
			"run(\"Inpaint Selection...\", \"prompt=[a yellow square] seed=5 steps=2\");\n" +
			"s = s + getTitle() + \"|\";\n" +
			"selectImage(\"B\");\n" +
			"run(\"Edit by Description...\", \"from=[a white triangle] to=[a yellow triangle] seed=4 steps=2\");\n" +
			"return s + getTitle();", null);
		assertFalse(r.failed(), () -> r.describe("selected image"));
		assertEquals("unCLIP variations of A|unCLIP variations of A|unCLIP variations of A|unCLIP inpainted A|" +
			"unCLIP B edited to a yellow triangle", r.returned());
	}
}
