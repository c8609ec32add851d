package sc.fiji.unclip.ij.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sc.fiji.unclip.engine.BundledModel.SIZE;

import ij.IJ;
import ij.ImagePlus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.unclip.engine.BundledModel;

/**
 * Every macro in {@code macros/} runs in the real ImageJ 1.x macro interpreter, headless, on the bundled
 * model, and writes what its header promises: RGB pictures of the model's size ({@link BundledModel#SIZE})
 * or of the source, with the provenance in the image's info.
 */
class MacrosTest {

	static final List<String> TESTED = List.of("batch-folder.ijm", "every-command.ijm",
		"inpaint-selection.ijm", "text-to-image.ijm", "variations.ijm");

	/** What macros/every-command.ijm sees after each command: each new image is current, counted once. */
	static final List<String> EVERY_COMMAND_SUMMARY = List.of(
		"text to image: unCLIP - a red circle on a blue background | nImages=1",
		"variations: unCLIP variations of text-to-image.png | nImages=2",
		"inpaint: unCLIP inpainted text-to-image.png | nImages=3");

	@TempDir
	static Path tmp;
	static Path input;

	@BeforeAll
	static void start() throws Exception {
		LauncherFixture.start();
		input = tmp.resolve("in");
		input.toFile().mkdirs();
		IJ.saveAs(LauncherFixture.scene("disc"), "PNG", input.resolve("disc.png").toString());
		final ImagePlus second = LauncherFixture.scene("square");
		second.getProcessor().setColor(0x00ff00);
		second.getProcessor().fillRect(2, 2, 12, 12);
		IJ.saveAs(second, "PNG", input.resolve("square.png").toString());
		Files.writeString(input.resolve("notes.txt"), "not an image");
	}

	@AfterAll
	static void stop() {
		BatchMacro.run("close(\"*\");", null);
	}

	@Test
	void everyMacroInTheFolderIsTestedHere() throws Exception {
		try (Stream<Path> files = Files.list(LauncherFixture.macros())) {
			assertEquals(TESTED, files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ijm"))
				.sorted().toList());
		}
	}

	private static BatchMacro.Result run(final String macro, final String arg) throws Exception {
		final BatchMacro.Result r = BatchMacro.runFile(LauncherFixture.macros().resolve(macro), arg);
		BatchMacro.run("close(\"*\");", null);
		return r;
	}

	private static ImagePlus generated(final Path file, final int width, final int height) {
		assertTrue(Files.isRegularFile(file), file + " was not written");
		final ImagePlus imp = IJ.openImage(file.toString());
		assertEquals(ImagePlus.COLOR_RGB, imp.getType(), file + " is not RGB");
		assertEquals(width, imp.getWidth());
		assertEquals(height, imp.getHeight());
		return imp;
	}

	private static void assertProvenance(final ImagePlus imp, final String mode) {
		final String info = (String) imp.getProperty("Info");
		assertTrue(info != null && info.contains("unclip.mode: " + mode), () -> "no provenance in " + imp
			.getTitle() + ": " + info);
		assertTrue(info.contains("unclip.model: shapes-tiny"), info);
		assertTrue(info.contains("unclip.macro: run(\""), info);
	}

	@Test
	void textToImageSavesTheSamePictureForTheSameSeed() throws Exception {
		final Path out = tmp.resolve("t2i");
		final BatchMacro.Result r = run("text-to-image.ijm", out.toString());
		assertFalse(r.failed(), () -> r.describe("text-to-image.ijm"));
		final ImagePlus tif = generated(out.resolve("unclip-text-to-image-seed7.tif"), SIZE, SIZE);
		assertProvenance(tif, "text");
		assertTrue(((String) tif.getProperty("Info")).contains("unclip.seed: 7"));
		assertTrue(((String) tif.getProperty("Info")).contains("unclip.prompt: a red circle on a blue background"));
		final ImagePlus png = generated(out.resolve("unclip-text-to-image-seed7.png"), SIZE, SIZE);
		assertArrayEquals((int[]) tif.getProcessor().getPixels(), (int[]) png.getProcessor().getPixels());

		final Path again = tmp.resolve("t2i-again");
		assertFalse(run("text-to-image.ijm", again.toString()).failed());
		assertArrayEquals((int[]) png.getProcessor().getPixels(), (int[]) generated(again.resolve(
			"unclip-text-to-image-seed7.png"), SIZE, SIZE).getProcessor().getPixels());
	}

	@Test
	void everyCommandsNewImageIsTheBatchMacrosCurrentImageOnce() throws Exception {
		final Path out = tmp.resolve("every");
		final BatchMacro.Result r = run("every-command.ijm", out.toString());
		assertFalse(r.failed(), () -> r.describe("every-command.ijm"));
		assertEquals(EVERY_COMMAND_SUMMARY, Files.readAllLines(out.resolve("summary.txt")));
		final ImagePlus made = generated(out.resolve("text-to-image.png"), SIZE, SIZE);
		final Path single = tmp.resolve("every-single");
		assertFalse(run("text-to-image.ijm", single.toString()).failed());
		assertArrayEquals((int[]) generated(single.resolve("unclip-text-to-image-seed7.png"), SIZE, SIZE)
			.getProcessor().getPixels(), (int[]) made.getProcessor().getPixels(), "the same line, the same pixels");
		generated(out.resolve("variations.png"), SIZE, SIZE);
		final ImagePlus inpainted = generated(out.resolve("inpaint.png"), SIZE, SIZE);
		assertEquals(made.getProcessor().get(0, 0), inpainted.getProcessor().get(0, 0), "outside the oval");
	}

	@Test
	void variationsOfAFileGivenAsArgumentAreAStackOfTwo() throws Exception {
		final Path out = tmp.resolve("var");
		final BatchMacro.Result r = run("variations.ijm", "image=" + input.resolve("disc.png") + " output=" +
			out);
		assertFalse(r.failed(), () -> r.describe("variations.ijm"));
		final ImagePlus stack = generated(out.resolve("disc-variations.tif"), 32, 32);
		assertEquals(2, stack.getStackSize());
		assertProvenance(stack, "variation");
		final ImagePlus one = generated(out.resolve("disc-variations-1.png"), 32, 32);
		final ImagePlus two = generated(out.resolve("disc-variations-2.png"), 32, 32);
		assertArrayEquals((int[]) stack.getStack().getPixels(1), (int[]) one.getProcessor().getPixels());
		assertArrayEquals((int[]) stack.getStack().getPixels(2), (int[]) two.getProcessor().getPixels());
	}

	@Test
	void variationsOfTheOpenImage() throws Exception {
		final Path out = tmp.resolve("var-open");
		final String code = "open(\"" + LauncherFixture.path(input.resolve("square.png")) + "\");\n" + //
			"runMacro(\"" + LauncherFixture.path(LauncherFixture.macros().resolve("variations.ijm")) + "\", \"output=" +
			LauncherFixture.path(out) + "\");";
		final BatchMacro.Result r = LauncherFixture.macro(code, null);
		assertFalse(r.failed(), () -> r.describe("variations of the open image"));
		assertEquals(2, generated(out.resolve("square-variations.tif"), 32, 32).getStackSize());
	}

	@Test
	void inpaintingTheOvalChangesOnlyPixelsInsideIt() throws Exception {
		final Path out = tmp.resolve("inpaint");
		final BatchMacro.Result r = run("inpaint-selection.ijm", "image=" + input.resolve("disc.png") +
			" output=" + out + " prompt=[a yellow square]");
		assertFalse(r.failed(), () -> r.describe("inpaint-selection.ijm"));
		final ImagePlus result = generated(out.resolve("disc-inpainted.tif"), 32, 32);
		assertProvenance(result, "inpaint");
		assertTrue(((String) result.getProperty("Info")).contains("unclip.prompt: a yellow square"));
		final ImagePlus source = IJ.openImage(input.resolve("disc.png").toString());
		int changedInside = 0;
		// the oval is makeOval(8, 8, 16, 16): pixels clearly outside it are the source's
		for (int y = 0; y < 32; y++)
			for (int x = 0; x < 32; x++) {
				final double dx = x + 0.5 - 16, dy = y + 0.5 - 16;
				final double r2 = dx * dx + dy * dy;
				final int a = source.getProcessor().get(x, y), b = result.getProcessor().get(x, y);
				if (r2 > 9.5 * 9.5) assertEquals(a & 0xffffff, b & 0xffffff, "pixel " + x + "," + y + " outside");
				else if (r2 < 6 * 6 && a != b) changedInside++;
			}
		assertTrue(changedInside > 0, "nothing changed inside the selection");
	}

	@Test
	void batchFolderVariesEveryImageAndSkipsOtherFiles() throws Exception {
		final Path out = tmp.resolve("batch-var");
		final BatchMacro.Result r = run("batch-folder.ijm", "input=" + input + " output=" + out);
		assertFalse(r.failed(), () -> r.describe("batch-folder.ijm"));
		final ImagePlus disc = generated(out.resolve("disc.png"), 32, 32);
		final ImagePlus square = generated(out.resolve("square.png"), 32, 32);
		assertNotEquals(java.util.Arrays.hashCode((int[]) disc.getProcessor().getPixels()), java.util.Arrays
			.hashCode((int[]) square.getProcessor().getPixels()));
		try (Stream<Path> files = Files.list(out)) {
			assertEquals(List.of("disc.png", "square.png"), files.map(p -> p.getFileName().toString()).sorted()
				.toList());
		}
	}

	@Test
	void batchFolderInpaintsEveryImage() throws Exception {
		final Path out = tmp.resolve("batch-inpaint");
		final BatchMacro.Result r = run("batch-folder.ijm", "input=" + input + " output=" + out +
			" command=inpaint prompt=[a green triangle] seed=3");
		assertFalse(r.failed(), () -> r.describe("batch-folder.ijm"));
		final ImagePlus disc = generated(out.resolve("disc.png"), 32, 32);
		final ImagePlus source = IJ.openImage(input.resolve("disc.png").toString());
		assertEquals(source.getProcessor().get(0, 0) & 0xffffff, disc.getProcessor().get(0, 0) & 0xffffff,
			"a corner, outside the oval, is unchanged");
		generated(out.resolve("square.png"), 32, 32);
	}
}
