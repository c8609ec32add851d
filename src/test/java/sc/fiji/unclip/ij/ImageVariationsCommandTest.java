package sc.fiji.unclip.ij;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ij.ImagePlus;
import ij.ImageStack;
import ij.measure.Calibration;
import ij.process.ByteProcessor;
import ij.process.ShortProcessor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.VariationRequest;
import sc.fiji.unclip.ij.image.DisplayRange;
import sc.fiji.unclip.ij.image.GeneratedLabel;
import sc.fiji.unclip.ij.image.PlaneView;
import sc.fiji.unclip.ij.image.ResultImages;

/** Image Variations... through CommandService on the bundled model. */
class ImageVariationsCommandTest {

	@RegisterExtension
	static final PluginContext plugin = new PluginContext();

	static ImagePlus grey8(final int w, final int h) {
		final ByteProcessor ip = new ByteProcessor(w, h);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				ip.set(x, y, (x * 5 + y * 3) % 256);
		final ImagePlus image = new ImagePlus("cells", ip);
		image.setDisplayRange(20, 200);
		final Calibration cal = image.getCalibration();
		cal.pixelWidth = cal.pixelHeight = 0.5;
		cal.setUnit("um");
		image.setProperty("Info", "acquired on the confocal");
		return image;
	}

	@Test
	void variationsOfAGreyImageAreRgbOfItsSizeEqualToTheEngineAndLeaveItUnchanged() {
		final ImagePlus source = grey8(40, 48);
		final SourceSnapshot before = SourceSnapshot.of(source);
		final ImagePlus result = plugin.result(ImageVariationsCommand.class, "image", source, "n", 2, "seed", 3L,
			"steps", 4, "strength", 1.0);
		before.assertUnchanged(source);
		assertEquals(ImagePlus.COLOR_RGB, result.getType());
		assertEquals(40, result.getWidth());
		assertEquals(48, result.getHeight());
		assertEquals(2, result.getStackSize());
		assertEquals(0.5, result.getCalibration().pixelWidth);
		assertEquals("variation", GeneratedLabel.value(result, "unclip.mode"));
		assertEquals("3", GeneratedLabel.value(result, "unclip.seed"));

		final GenerationResult direct = plugin.unclip.generator().vary(new VariationRequest(PlaneView.rgb(source
			.getProcessor(), new DisplayRange(20, 200)), 2, 3, 1.0, new SamplingOptions(4, null, null)), null, null);
		for (int i = 0; i < 2; i++)
			assertArrayEquals(ResultImages.pixels(direct.images().get(i)), (int[]) result.getStack().getPixels(i +
				1));
	}

	@Test
	void allPlanesOfAStackGiveOneVariationPerPlaneWithDistinctSeeds() {
		final ImageStack stack = new ImageStack(32, 32);
		for (int z = 0; z < 3; z++) {
			final ShortProcessor ip = new ShortProcessor(32, 32);
			for (int i = 0; i < 32 * 32; i++)
				ip.set(i, 1000 + z * 300 + i % 200);
			stack.addSlice("z" + z, ip);
		}
		final ImagePlus source = new ImagePlus("stack", stack);
		source.setDisplayRange(900, 1700);
		final SourceSnapshot before = SourceSnapshot.of(source);
		final ImagePlus result = plugin.result(ImageVariationsCommand.class, "image", source, "seed", 10L,
			"steps", 3, "planes", Planes.ALL);
		before.assertUnchanged(source);
		assertEquals(3, result.getStackSize());
		assertEquals("plane 3, seed 12", result.getStack().getSliceLabel(3));
	}

	@Test
	void badInputEndsWithAMessageAndLeavesTheImageUnchanged() {
		plugin.failure("open", ImageVariationsCommand.class, "seed", 1L);
		final ImagePlus tiny = new ImagePlus("tiny", new ByteProcessor(1, 1));
		final SourceSnapshot before = SourceSnapshot.of(tiny);
		plugin.failure("8", ImageVariationsCommand.class, "image", tiny, "seed", 1L, "steps", 3);
		before.assertUnchanged(tiny);
		final ImagePlus image = grey8(32, 32);
		plugin.failure("strength", ImageVariationsCommand.class, "image", image, "seed", 1L, "strength", 0.0);
		plugin.failure("planes", ImageVariationsCommand.class, "image", image, "seed", 1L, "planes", "some");
	}
}
