package sc.fiji.unclip.ij;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ij.ImagePlus;
import ij.process.ColorProcessor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Reproduce from Info: the provenance in an image's info is enough to make it again. */
class ReproduceCommandTest {

	@RegisterExtension
	static final PluginContext plugin = new PluginContext();

	@Test
	void aTextToImageResultIsMadeAgainPixelForPixel() {
		final ImagePlus original = plugin.result(TextToImageCommand.class, "prompt", "a yellow triangle", "n", 2,
			"seed", 77L, "steps", 5, "guidance", 2.0, "scheduler", "ddim");
		final ImagePlus again = plugin.result(ReproduceCommand.class, "image", original);
		assertEquals(2, again.getStackSize());
		for (int i = 1; i <= 2; i++)
			assertArrayEquals((int[]) original.getStack().getPixels(i), (int[]) again.getStack().getPixels(i));
	}

	@Test
	void imagesFromOtherImagesOrWithoutProvenanceGetAMessage() {
		final ImagePlus plain = new ImagePlus("photo", new ColorProcessor(32, 32));
		plugin.failure("no unCLIP provenance", ReproduceCommand.class, "image", plain);
		final ImagePlus variation = plugin.result(ImageVariationsCommand.class, "image", plain, "seed", 3L,
			"steps", 3);
		plugin.failure("run(\"Image Variations...\"", ReproduceCommand.class, "image", variation);
		plugin.failure("open", ReproduceCommand.class);
	}
}
