package sc.fiji.unclip.engine.karlo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.integer.UnsignedByteType;

import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.InpaintRequest;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.engine.EmbeddedGenerator;
import sc.fiji.unclip.engine.io.ArgbImages;

/**
 * The embedded generator on the micro karlo bundle (src/test/resources/karlo, diffusers' architecture with
 * random weights): the kind loads and names itself, and inpainting (the engine's known-region replacement)
 * changes the masked region and keeps every pixel outside it, for an image of another size than the model's
 * and a mask touching the border.
 */
class KarloPipelineTest {

	static final Path BUNDLE = Path.of("src/test/resources/karlo/bundle");
	static EmbeddedGenerator generator;

	@BeforeAll
	static void open() {
		generator = EmbeddedGenerator.open(BUNDLE);
	}

	@AfterAll
	static void close() {
		generator.close();
	}

	@Test
	void theBundleRunsAsKindKarlo() {
		assertEquals("karlo", generator.model().kind());
		assertTrue(generator.pipeline() instanceof KarloPipeline);
	}

	@Test
	void inpaintingKeepsEveryPixelOutsideTheMask() {
		final int w = 53, h = 41;
		final int[] argb = new int[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				argb[y * w + x] = 0xff000000 | (x * 255 / w) << 16 | (y * 255 / h) << 8 | ((x * 7 + y * 13) & 0xff);
		final Img<ARGBType> image = ArrayImgs.argbs(argb, w, h);
		final Img<UnsignedByteType> mask = ArrayImgs.unsignedBytes(w, h);
		final var ra = mask.randomAccess();
		for (int y = 0; y < 15; y++)
			for (int x = w - 20; x < w; x++)
				ra.setPositionAndGet(new int[] { x, y }).set(255);
		final GenerationResult result = generator.inpaint(new InpaintRequest(image, mask, "a yellow flower", 2, 5,
			0, new SamplingOptions(3, null, null)), null, null);
		boolean changedInside = false;
		for (final Img<ARGBType> out : result.images()) {
			final int[] px = ArgbImages.pixels(out);
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					final int i = y * w + x;
					final boolean inside = y < 15 && x >= w - 20;
					if (!inside) assertEquals(argb[i], px[i], "pixel " + x + "," + y + " outside the mask");
					else changedInside |= (argb[i] & 0xffffff) != (px[i] & 0xffffff);
				}
		}
		assertTrue(changedInside, "nothing was inpainted");
	}
}
