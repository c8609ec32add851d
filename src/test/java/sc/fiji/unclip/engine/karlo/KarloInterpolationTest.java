package sc.fiji.unclip.engine.karlo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.ARGBType;

import sc.fiji.unclip.EmbeddingSource;
import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.InterpolationRequest;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.TextDiffRequest;
import sc.fiji.unclip.UnclipException;
import sc.fiji.unclip.VariationRequest;
import sc.fiji.unclip.engine.EmbeddedGenerator;
import sc.fiji.unclip.engine.io.ArgbImages;
import sc.fiji.unclip.engine.io.ChannelDifference;

/**
 * Interpolation on the micro karlo bundle: the path between two images' CLIP embeddings starts at the first
 * image's variation and ends at the second's (same seed: the frames share the decoder's noise), passes through
 * frames unlike both, and reaches prompts too; text diffs and inversion are refused with a reason.
 */
class KarloInterpolationTest {

	static final SamplingOptions STEPS = new SamplingOptions(3, null, null);
	static EmbeddedGenerator generator;

	@BeforeAll
	static void open() {
		generator = EmbeddedGenerator.open(KarloPipelineTest.BUNDLE);
	}

	@AfterAll
	static void close() {
		generator.close();
	}

	/** A 32 x 32 picture (the model's size, so that variations come back unresized). */
	private static Img<ARGBType> picture(final int seed) {
		final int[] argb = new int[32 * 32];
		for (int y = 0; y < 32; y++)
			for (int x = 0; x < 32; x++)
				argb[y * 32 + x] = 0xff000000 | ((x * 8 * seed) & 0xff) << 16 | ((y * 8 + 40 * seed) & 0xff) << 8 |
					((x * y * seed) & 0xff);
		return ArrayImgs.argbs(argb, 32, 32);
	}

	private static int[] variation(final Img<ARGBType> image, final long seed) {
		return ArgbImages.pixels(generator.vary(new VariationRequest(image, 1, seed, 1.0, STEPS), null, null).images()
			.get(0));
	}

	@Test
	void interpolationRunsFromOneImagesVariationToTheOthers() {
		final Img<ARGBType> a = picture(1), b = picture(3);
		final GenerationResult r = generator.interpolate(new InterpolationRequest(EmbeddingSource.of(a),
			EmbeddingSource.of(b), InterpolationRequest.evenWeights(3), 5, false, STEPS), null, null);
		assertEquals(3, r.images().size());
		final int[] first = ArgbImages.pixels(r.images().get(0)), middle = ArgbImages.pixels(r.images().get(1)),
			last = ArgbImages.pixels(r.images().get(2));
		// the ends decode slerp(z_a, z_b, 0 or 1), which is z_a or z_b up to rounding
		assertTrue(ChannelDifference.maxLevels(first, variation(a, 5)) <= 1, "first frame is not a's variation");
		assertTrue(ChannelDifference.maxLevels(last, variation(b, 5)) <= 1, "last frame is not b's variation");
		assertTrue(ChannelDifference.maxLevels(middle, first) > 8 && ChannelDifference.maxLevels(middle, last) > 8,
			"the middle frame equals an end");
		assertEquals("karlo", generator.model().kind());
	}

	@Test
	void interpolationReachesAPrompt() {
		final GenerationResult r = generator.interpolate(new InterpolationRequest(EmbeddingSource.of(picture(1)),
			EmbeddingSource.of("a red cat"), List.of(0.0, 1.0), 5, false, STEPS), null, null);
		assertTrue(ChannelDifference.maxLevels(ArgbImages.pixels(r.images().get(0)), ArgbImages.pixels(r.images().get(1))) > 8);
	}

	@Test
	void textDiffsAndInversionAreRefusedWithAReason() {
		final UnclipException diff = assertThrows(UnclipException.class, () -> generator.textDiff(
			new TextDiffRequest(picture(1), "a cat", "a dog", 0.3, 1, 5, false, STEPS), null, null));
		assertTrue(diff.getMessage().contains("Text diffs are not available for models of kind karlo"), diff
			.getMessage());
		final UnclipException invert = assertThrows(UnclipException.class, () -> generator.interpolate(
			new InterpolationRequest(EmbeddingSource.of(picture(1)), EmbeddingSource.of(picture(3)), List.of(0.0,
				1.0), 5, true, STEPS), null, null));
		assertTrue(invert.getMessage().contains("DDIM inversion"), invert.getMessage());
	}
}
