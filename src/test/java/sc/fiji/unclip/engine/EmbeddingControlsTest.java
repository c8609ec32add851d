package sc.fiji.unclip.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import net.imglib2.img.Img;
import net.imglib2.type.numeric.ARGBType;
import sc.fiji.unclip.EmbeddingSource;
import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.InterpolationRequest;
import sc.fiji.unclip.TextDiffRequest;
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.UnclipException;
import sc.fiji.unclip.engine.io.ArgbImages;

/**
 * Interpolation and text diffs on the trained bundled model, judged by the shapes analyser: the first frame
 * keeps the source's colours and the last has the target's; "red circle" to "yellow circle" makes the circle
 * yellow on the same background in most sources; inversion keeps the shape where it was. Fewer sources than
 * models/shapes-tiny/EVAL.md measures, with thresholds below the measured rates.
 */
class EmbeddingControlsTest extends WithBundledGenerator {

	static final ShapesAnalyser ANALYSER = ShapesAnalyser.ofBundle();

	private static Img<ARGBType> image(final String prompt, final long seed) {
		return generator.textToImage(new TextToImageRequest(prompt, 1, seed, null), null, null).images().get(0);
	}

	@Test
	void firstFrameKeepsTheSourceAndLastFollowsThePromptOrImage() {
		int first = 0, last = 0, total = 0;
		final List<String> report = new ArrayList<>();
		final String[][] pairs = { { "a large red circle on a blue background",
			"a large green square on a yellow background" }, { "a large white triangle on a black background",
				"a large red circle on a green background" }, { "a large yellow square on a purple background",
					"a large blue triangle on a white background" } };
		for (final String[] pair : pairs)
			for (final boolean toImage : new boolean[] { false, true }) {
				final Img<ARGBType> source = image(pair[0], 3);
				final Img<ARGBType> targetImage = image(pair[1], 4);
				final String[] a = ANALYSER.analyse(source), b = ANALYSER.analyse(targetImage);
				final GenerationResult r = generator.interpolate(new InterpolationRequest(EmbeddingSource.of(source),
					toImage ? EmbeddingSource.of(targetImage) : EmbeddingSource.of(pair[1]), InterpolationRequest
						.evenWeights(5), 11, false, null), null, null);
				assertEquals(5, r.images().size());
				final String[] f = ANALYSER.analyse(r.images().get(0)), l = ANALYSER.analyse(r.images().get(4));
				total++;
				if (f[0].equals(a[0]) && f[1].equals(a[1])) first++;
				if (l[0].equals(b[0]) && l[1].equals(b[1])) last++;
				report.add(String.join("/", a) + " -> " + String.join("/", f) + " ... " + String.join("/", l) +
					" (target " + String.join("/", b) + ")");
			}
		System.out.println("interpolation: first " + first + "/" + total + ", last " + last + "/" + total + ": " +
			report);
		assertTrue(first >= total - 1 && last >= total - 1, "first " + first + ", last " + last + " of " + total +
			": " + report);
	}

	@Test
	void everyFrameHasTheSameNoiseSoEqualWeightsGiveEqualFrames() {
		final Img<ARGBType> source = image("a large red circle on a blue background", 5);
		final GenerationResult r = generator.interpolate(new InterpolationRequest(EmbeddingSource.of(source),
			EmbeddingSource.of("a large green square on a yellow background"), List.of(0.0, 0.5, 0.0), 8, false,
			null), null, null);
		assertArrayEquals(ArgbImages.pixels(r.images().get(0)), ArgbImages.pixels(r.images().get(2)));
		assertEquals("interpolation", r.provenance().mode());
		assertEquals("0.0,0.5,0.0", r.provenance().controls().get("weights"));
		assertEquals(8, r.provenance().imageSeed(2));
		assertEquals(0.5, r.provenance().weight(1));
	}

	@Test
	void redToYellowCircleTurnsTheCircleYellowOnTheSameBackground() {
		int right = 0, total = 0;
		double overlap = 0;
		final List<String> report = new ArrayList<>();
		final String[] backgrounds = { "blue", "green", "black", "white", "purple", "blue", "green", "black" };
		for (int s = 0; s < backgrounds.length; s++) {
			final String from = "a large red circle on a " + backgrounds[s] + " background";
			final Img<ARGBType> source = image(from, s);
			final String[] before = ANALYSER.analyse(source);
			if (!before[1].equals("red")) continue;
			final Img<ARGBType> edited = generator.textDiff(new TextDiffRequest(source, from, from.replace("red",
				"yellow"), TextDiffRequest.DEFAULT_AMOUNT, 1, s + 1, TextDiffRequest.DEFAULT_INVERT, null), null, null)
				.images().get(0);
			final String[] after = ANALYSER.analyse(edited);
			total++;
			overlap += ANALYSER.shapeOverlap(source, edited);
			if (after[1].equals("yellow") && after[0].equals(before[0])) right++;
			report.add(String.join("/", before) + " -> " + String.join("/", after));
		}
		System.out.println("text diff red -> yellow: " + right + "/" + total + ", shape overlap " + overlap / total +
			": " + report);
		assertTrue(total >= 6, "too few red sources: " + report);
		assertTrue(right >= 0.75 * total, right + "/" + total + ": " + report);
		assertTrue(overlap / total > 0.8, "inversion should keep the shape in place: overlap " + overlap / total);
	}

	@Test
	void amountZeroWithInversionGivesTheSourceBack() {
		final Img<ARGBType> source = image("a large white square on a blue background", 2);
		final Img<ARGBType> same = generator.textDiff(new TextDiffRequest(source, "a white square",
			"a red square", 0, 1, 9, true, null), null, null).images().get(0);
		assertEquals(ANALYSER.analyse(source)[1], ANALYSER.analyse(same)[1]);
		assertTrue(ANALYSER.shapeOverlap(source, same) > 0.9, "overlap " + ANALYSER.shapeOverlap(source, same));
	}

	@Test
	void badRequestsAreRefusedWithTheReason() {
		final Img<ARGBType> source = image("a red circle", 1);
		assertTrue(assertThrows(UnclipException.class, () -> generator.textDiff(new TextDiffRequest(source, "a",
			"b", 0.7, 1, 0, false, null), null, null)).getMessage().contains("Amount 0.7 is outside [0, 0.5]"));
		assertTrue(assertThrows(UnclipException.class, () -> generator.textDiff(new TextDiffRequest(source,
			"a red circle", "a red circle", 0.3, 1, 0, false, null), null, null)).getMessage().contains(
				"same embedding"));
		assertTrue(assertThrows(UnclipException.class, () -> generator.textDiff(new TextDiffRequest(source, " ",
			"b", 0.3, 1, 0, false, null), null, null)).getMessage().contains("both prompts"));
		assertTrue(assertThrows(UnclipException.class, () -> generator.interpolate(new InterpolationRequest(
			EmbeddingSource.of(source), EmbeddingSource.of("b"), List.of(0.0, 1.5), 0, false, null), null, null))
			.getMessage().contains("weight 1.5 is outside [0, 1]"));
		assertTrue(assertThrows(UnclipException.class, () -> generator.interpolate(new InterpolationRequest(
			EmbeddingSource.of("a"), EmbeddingSource.of("b"), List.of(0.0, 1.0), 0, true, null), null, null))
			.getMessage().contains("needs an image to start from"));
		assertTrue(assertThrows(UnclipException.class, () -> generator.textDiff(new TextDiffRequest(source, "a",
			"b", 0.3, 1, 0, true, new sc.fiji.unclip.SamplingOptions(null, null, "ddpm")), null, null)).getMessage()
			.contains("needs the ddim scheduler"));
	}
}
