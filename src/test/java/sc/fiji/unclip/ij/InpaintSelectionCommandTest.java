package sc.fiji.unclip.ij;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ij.IJ;
import ij.ImagePlus;
import ij.ImageStack;
import ij.Undo;
import ij.WindowManager;
import ij.gui.Line;
import ij.gui.OvalRoi;
import ij.gui.PointRoi;
import ij.gui.Roi;
import ij.gui.ShapeRoi;
import ij.plugin.frame.RoiManager;
import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ImageProcessor;
import ij.process.ShortProcessor;

import java.awt.GraphicsEnvironment;
import java.awt.event.KeyEvent;
import java.util.Map;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.scijava.command.CommandModule;

import sc.fiji.unclip.ij.image.GeneratedLabel;

/** Inpaint Selection... through CommandService on the bundled model, on every ImageJ image type. */
class InpaintSelectionCommandTest {

	@RegisterExtension
	static final PluginContext plugin = new PluginContext();

	static ImagePlus rgb(final int w, final int h) {
		final ColorProcessor ip = new ColorProcessor(w, h);
		for (int i = 0; i < w * h; i++)
			ip.set(i, 0x1030c0 + (i % w) * 0x010000); // blue with a red ramp
		final ImagePlus image = new ImagePlus("scene", ip);
		image.getCalibration().pixelWidth = 0.25;
		image.getCalibration().setUnit("um");
		image.setProperty("Info", "objective 63x");
		return image;
	}

	/** Every pixel outside the selection equal in both planes; at least one inside differs. */
	static void assertOnlySelectionChanged(final ImageProcessor source, final ImageProcessor result,
		final Roi selection)
	{
		final ImageProcessor mask = selectedPixels(selection, source.getWidth(), source.getHeight());
		int changedInside = 0;
		for (int y = 0; y < source.getHeight(); y++)
			for (int x = 0; x < source.getWidth(); x++) {
				final boolean same = source.getPixelValue(x, y) == result.getPixelValue(x, y) || Float.isNaN(source
					.getPixelValue(x, y)) && Float.isNaN(result.getPixelValue(x, y));
				if (mask.get(x, y) == 0) assertTrue(same && source.get(x, y) == result.get(x, y), "pixel " + x + "," +
					y + " outside the selection changed");
				else if (!same) changedInside++;
			}
		assertTrue(changedInside > 0, "nothing inside the selection changed");
	}

	static ImageProcessor selectedPixels(final Roi selection, final int w, final int h) {
		final ByteProcessor mask = new ByteProcessor(w, h);
		mask.setColor(255);
		mask.fill(selection);
		return mask;
	}

	@Test
	void rgbOvalSelectionGivesANewImageChangedOnlyInsideWithTheSourcesMetadata() {
		final ImagePlus source = rgb(64, 48);
		final OvalRoi oval = new OvalRoi(20, 12, 22, 20);
		source.setRoi(oval);
		final SourceSnapshot before = SourceSnapshot.of(source);
		final ImagePlus result = plugin.result(InpaintSelectionCommand.class, "image", source, "prompt",
			"a yellow square", "seed", 5L, "steps", 4);
		before.assertUnchanged(source);
		assertEquals(ImagePlus.COLOR_RGB, result.getType());
		assertEquals(64, result.getWidth());
		assertEquals(48, result.getHeight());
		assertOnlySelectionChanged(source.getProcessor(), result.getProcessor(), oval);
		assertEquals(0.25, result.getCalibration().pixelWidth);
		assertEquals(source.getCalibration().getUnit(), result.getCalibration().getUnit());
		assertEquals("inpaint", GeneratedLabel.value(result, "unclip.mode"));
		assertEquals("a yellow square", GeneratedLabel.value(result, "unclip.prompt"));
		assertTrue(((String) result.getProperty("Info")).contains("objective 63x"), "source info kept");
		final Roi generated = result.getOverlay().get(InpaintSelectionCommand.GENERATED_REGION);
		assertEquals(oval.getBounds(), generated.getBounds(), "the overlay gives the generated region back");
	}

	@Test
	void sixteenAndThirtyTwoBitKeepTheirTypeAndValuesOutsideTheSelection() {
		final ShortProcessor s = new ShortProcessor(48, 48);
		for (int i = 0; i < 48 * 48; i++)
			s.set(i, 3000 + (i * 37) % 900);
		final FloatProcessor f = new FloatProcessor(48, 48);
		for (int i = 0; i < 48 * 48; i++)
			f.setf(i, i % 97 == 0 ? Float.NaN : (float) Math.sin(i * 0.01) * 7);
		for (final ImagePlus source : new ImagePlus[] { new ImagePlus("16-bit", s), new ImagePlus("32-bit", f) }) {
			if (source.getBitDepth() == 16) source.setDisplayRange(3100, 3150); // odd, narrow window
			else source.setDisplayRange(-0.5, 9);
			final Roi roi = new OvalRoi(10, 14, 20, 16);
			source.setRoi(roi);
			final SourceSnapshot before = SourceSnapshot.of(source);
			final ImagePlus result = plugin.result(InpaintSelectionCommand.class, "image", source, "prompt",
				"a white circle", "seed", 2L, "steps", 4);
			before.assertUnchanged(source);
			assertEquals(source.getBitDepth(), result.getBitDepth());
			assertEquals(source.getDisplayRangeMin(), result.getDisplayRangeMin());
			assertOnlySelectionChanged(source.getProcessor(), result.getProcessor(), roi);
			final ImageProcessor mask = selectedPixels(roi, 48, 48);
			for (int i = 0; i < 48 * 48; i++)
				if (mask.get(i) != 0) {
					final double v = result.getProcessor().getf(i);
					assertTrue(v >= source.getDisplayRangeMin() - 1 && v <= source.getDisplayRangeMax() + 1,
						"generated value " + v + " outside the display range");
				}
		}
	}

	@Test
	void inPlaceChangesOnlyTheSelectionAndUndoRestoresEveryPixel() {
		final ImagePlus source = rgb(40, 40);
		final Roi roi = new Roi(8, 8, 14, 10);
		source.setRoi(roi);
		final int[] original = ((int[]) source.getProcessor().getPixels()).clone();
		WindowManager.setTempCurrentImage(source);
		try {
			final CommandModule module = plugin.run(InpaintSelectionCommand.class, "image", source, "prompt",
				"a green triangle", "seed", 9L, "steps", 4, "output", InpaintSelectionCommand.IN_PLACE);
			assertFalse(module.isCanceled(), module.getCancelReason());
			assertNull(((ImageMaker) module.getDelegateObject()).result(), "in place makes no new image");
			assertOnlySelectionChanged(new ColorProcessor(40, 40, original), source.getProcessor(), roi);
			assertEquals("inpaint", GeneratedLabel.value(source, "unclip.mode"));
			assertTrue(source.changes);
			Undo.undo();
			assertArrayEquals(original, (int[]) source.getProcessor().getPixels(), "Undo restores the image");
		}
		finally {
			WindowManager.setTempCurrentImage(null);
		}
	}

	@Test
	void everyPlaneOfAStackIsInpaintedIntoANewStackOfTheSameShape() {
		final ImageStack stack = new ImageStack(36, 36);
		for (int z = 0; z < 3; z++) {
			final ByteProcessor ip = new ByteProcessor(36, 36);
			for (int i = 0; i < 36 * 36; i++)
				ip.set(i, (i + z * 40) % 256);
			stack.addSlice("z" + z, ip);
		}
		final ImagePlus source = new ImagePlus("stack", stack);
		source.setDimensions(1, 3, 1);
		source.setSlice(2);
		final Roi roi = new OvalRoi(6, 6, 16, 16);
		source.setRoi(roi);
		final SourceSnapshot before = SourceSnapshot.of(source);
		final ImagePlus all = plugin.result(InpaintSelectionCommand.class, "image", source, "prompt",
			"a black square", "seed", 4L, "steps", 3, "planes", Planes.ALL);
		before.assertUnchanged(source);
		assertEquals(3, all.getStackSize());
		assertEquals(3, all.getNSlices());
		for (int z = 1; z <= 3; z++)
			assertOnlySelectionChanged(stack.getProcessor(z), all.getStack().getProcessor(z), roi);
		final ImagePlus current = plugin.result(InpaintSelectionCommand.class, "image", source, "prompt",
			"a black square", "seed", 4L, "steps", 3);
		assertEquals(1, current.getStackSize(), "by default only the plane on screen");
		assertOnlySelectionChanged(stack.getProcessor(2), current.getProcessor(), roi);
	}

	@Test
	void aSelectionPartlyOutsideTheImageAndACompositeWithAHoleWork() {
		final ImagePlus source = rgb(48, 48);
		final Roi outside = new OvalRoi(-12, -10, 30, 30);
		source.setRoi(outside);
		final ImagePlus result = plugin.result(InpaintSelectionCommand.class, "image", source, "prompt",
			"a red circle", "seed", 1L, "steps", 3);
		assertOnlySelectionChanged(source.getProcessor(), result.getProcessor(), outside);

		final ShapeRoi ring = new ShapeRoi(new OvalRoi(8, 8, 32, 32)).not(new ShapeRoi(new OvalRoi(18, 18, 12, 12)));
		source.setRoi(ring);
		final ImagePlus donut = plugin.result(InpaintSelectionCommand.class, "image", source, "prompt",
			"a red circle", "seed", 1L, "steps", 3);
		assertOnlySelectionChanged(source.getProcessor(), donut.getProcessor(), ring);
		assertEquals(source.getProcessor().get(24, 24), donut.getProcessor().get(24, 24), "the hole is kept");
	}

	@Test
	void aHugeImageCostsOnlyItsSelectionAndKeepsEveryOtherPixel() {
		final ByteProcessor ip = new ByteProcessor(10000, 10000);
		final byte[] pixels = (byte[]) ip.getPixels();
		for (int i = 0; i < pixels.length; i += 7)
			pixels[i] = (byte) (i >> 5);
		final ImagePlus source = new ImagePlus("huge", ip);
		final Roi roi = new OvalRoi(6000, 3000, 40, 30);
		source.setRoi(roi);
		final long before = SourceSnapshot.checksum(pixels);
		final ImagePlus result = plugin.result(InpaintSelectionCommand.class, "image", source, "prompt",
			"a white square", "seed", 3L, "steps", 3);
		assertEquals(before, SourceSnapshot.checksum(pixels), "source unchanged");
		final byte[] out = (byte[]) result.getProcessor().getPixels();
		assertNotEquals(before, SourceSnapshot.checksum(out), "something was generated");
		final java.awt.Rectangle box = roi.getBounds();
		final ImageProcessor mask = roi.getMask();
		for (int y = 0; y < box.height; y++)
			for (int x = 0; x < box.width; x++)
				if (mask.get(x, y) != 0) out[(box.y + y) * 10000 + box.x + x] = pixels[(box.y + y) * 10000 + box.x +
					x];
		assertEquals(before, SourceSnapshot.checksum(out), "only selected pixels differ");
	}

	@Test
	@Tag("display")
	void everyRoiOfTheRoiManagerIsInpaintedWithItsNameAsPrompt() {
		assumeTrue(System.getenv("DISPLAY") != null && !GraphicsEnvironment.isHeadless(),
			"ImageJ's ROI Manager is a window; ./test.sh runs this on a virtual display (xvfb-run)");
		final ImagePlus source = rgb(64, 64);
		// the open ROI Manager, found by the command itself: a RoiManager input would make imagej-legacy's
		// RoiManagerPreprocessor open one, which fails in headless Fiji (seen in a real ImageJ2 runtime)
		final RoiManager manager = new RoiManager();
		final Roi a = new OvalRoi(4, 4, 16, 16), b = new Roi(36, 30, 20, 20);
		a.setName("a green circle");
		b.setName("0036-0030");
		manager.addRoi(a);
		manager.addRoi(b);
		final ImagePlus result = plugin.result(InpaintSelectionCommand.class, "image", source, "prompt",
			"a white square", "seed", 6L, "steps", 3, "regions", InpaintSelectionCommand.ROI_MANAGER_NAMES);
		final ShapeRoi both = new ShapeRoi(a).or(new ShapeRoi(b));
		assertOnlySelectionChanged(source.getProcessor(), result.getProcessor(), both);
		assertEquals(2, result.getOverlay().size());
		manager.close();
	}

	@Test
	void badInputEndsWithAMessageAndLeavesTheImageAsItWas() {
		plugin.failure("open", InpaintSelectionCommand.class, "prompt", "a red circle", "seed", 1L);
		final ImagePlus source = rgb(40, 40);
		final SourceSnapshot plain = SourceSnapshot.of(source);
		plugin.failure("area selection", InpaintSelectionCommand.class, "image", source, "seed", 1L);
		plain.assertUnchanged(source);
		for (final Roi notAnArea : new Roi[] { new Line(2, 2, 30, 30), new PointRoi(10, 10) }) {
			source.setRoi(notAnArea);
			final SourceSnapshot before = SourceSnapshot.of(source);
			plugin.failure("covers no area", InpaintSelectionCommand.class, "image", source, "seed", 1L);
			before.assertUnchanged(source);
		}
		source.setRoi(new OvalRoi(10, 10, 8, 8));
		final SourceSnapshot before = SourceSnapshot.of(source);
		plugin.failure("covers no pixel", InpaintSelectionCommand.class, "image", source, "seed", 1L, "grow", -6);
		final ImageStack two = new ImageStack(40, 40);
		two.addSlice(source.getProcessor().duplicate());
		two.addSlice(source.getProcessor().duplicate());
		final ImagePlus stack = new ImagePlus("two planes", two);
		stack.setRoi(new OvalRoi(10, 10, 8, 8));
		final SourceSnapshot stackBefore = SourceSnapshot.of(stack);
		plugin.failure("one selection on one plane", InpaintSelectionCommand.class, "image", stack, "seed", 1L,
			"n", 2, "planes", Planes.ALL, "prompt", "x", "steps", 3);
		plugin.failure("in place on all planes", InpaintSelectionCommand.class, "image", stack, "seed", 1L,
			"planes", Planes.ALL, "output", InpaintSelectionCommand.IN_PLACE, "steps", 3);
		stackBefore.assertUnchanged(stack);
		plugin.failure("output=", InpaintSelectionCommand.class, "image", source, "seed", 1L, "output",
			"sideways");
		plugin.failure("prompt", InpaintSelectionCommand.class, "image", source, "seed", 1L, "prompt", "",
			"output", InpaintSelectionCommand.IN_PLACE);
		before.assertUnchanged(source);
		final ImagePlus tiny = new ImagePlus("1x1", new ByteProcessor(1, 1));
		tiny.setRoi(new Roi(0, 0, 1, 1));
		final SourceSnapshot tinyBefore = SourceSnapshot.of(tiny);
		plugin.failure("8", InpaintSelectionCommand.class, "image", tiny, "seed", 1L, "output",
			InpaintSelectionCommand.IN_PLACE);
		tinyBefore.assertUnchanged(tiny);
	}

	@Test
	void escapeCancelsARunningInpaintingAndTheImageStaysAsItWas() throws Exception {
		final ImagePlus source = rgb(40, 40);
		source.setRoi(new OvalRoi(5, 5, 20, 20));
		final SourceSnapshot before = SourceSnapshot.of(source);
		final Future<CommandModule> running = plugin.commands.run(InpaintSelectionCommand.class, true, Map.of(
			"image", source, "prompt", "a red circle", "seed", 1L, "steps", 1000, "output",
			InpaintSelectionCommand.IN_PLACE));
		Thread.sleep(1500);
		IJ.setKeyDown(KeyEvent.VK_ESCAPE);
		final CommandModule module = running.get();
		IJ.resetEscape();
		assertTrue(module.isCanceled());
		assertTrue(module.getCancelReason().startsWith("Cancelled"), module.getCancelReason());
		before.assertUnchanged(source);
	}
}
