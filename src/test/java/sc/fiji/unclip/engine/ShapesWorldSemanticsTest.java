package sc.fiji.unclip.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;


import org.junit.jupiter.api.Test;

import net.imglib2.img.Img;
import net.imglib2.type.numeric.ARGBType;
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.VariationRequest;

/**
 * What the trained default bundle must draw, judged by a pixel analyser that reads the world definition
 * ({@code models/shapes-tiny/world.json}): the shape has the prompt's colour in at least 80% of images, and
 * variations keep the source's shape colour. Fails on an untrained bundle by design.
 */
class ShapesWorldSemanticsTest extends WithBundledGenerator {

	static final ShapesAnalyser ANALYSER = ShapesAnalyser.ofBundle();
	static List<String> shapes = ANALYSER.shapes();

	/** Scenes to ask for: each colour on a different background, shapes in turn. */
	static List<String[]> scenes() {
		final List<String> names = ANALYSER.colourNames();
		final List<String[]> scenes = new ArrayList<>();
		for (int i = 0; i < names.size(); i++)
			for (int shift = 1; shift <= 2; shift++)
				scenes.add(new String[] { names.get(i), shapes.get((i + shift) % shapes.size()), names.get((i +
					shift * 2) % names.size()) });
		return scenes;
	}

	@Test
	void generatedShapeHasThePromptColour() {
		int right = 0;
		final List<String> report = new ArrayList<>();
		final List<String[]> scenes = scenes();
		final long[] seeds = { 1000, 5000, 9000 };
		int total = 0;
		for (int i = 0; i < scenes.size(); i++)
			for (final long seed : seeds) {
				final String[] s = scenes.get(i);
				// default steps, guidance and scheduler (null sampling options)
				final var image = generator.textToImage(new TextToImageRequest("a large " + s[0] + " " + s[1] +
					" on a " + s[2] + " background", 1, seed + i, null), null, null).images().get(0);
				final String[] seen = analyse(image);
				total++;
				if (seen[1].equals(s[0])) right++;
				else report.add(s[0] + " " + s[1] + " on " + s[2] + " (seed " + (seed + i) + ") -> " + seen[1] +
					" on " + seen[0]);
			}
		System.out.println("shape colour right in " + right + "/" + total + " (" + scenes.size() + " scenes x " +
			seeds.length + " seeds); wrong: " + report);
		assertTrue(right >= 0.8 * total, "shape colour right in only " + right + "/" + total + "; wrong: " +
			report);
	}

	@Test
	void variationsKeepTheColours() {
		int kept = 0, total = 0;
		final List<String> report = new ArrayList<>();
		for (final String[] s : scenes().subList(0, 6)) {
			final var source = generator.textToImage(new TextToImageRequest("a large " + s[0] + " " + s[1] +
				" on a " + s[2] + " background", 1, 7, null), null, null).images().get(0);
			final String[] before = analyse(source);
			final var variation = generator.vary(new VariationRequest(source, 1, 8, 1.0, null), null, null)
				.images().get(0);
			final String[] after = analyse(variation);
			total++;
			if (before[1].equals(after[1]) && before[0].equals(after[0])) kept++;
			report.add(String.join("/", before) + " -> " + String.join("/", after));
		}
		System.out.println("variations kept colours in " + kept + "/" + total + ": " + report);
		assertTrue(kept >= 0.8 * total, "variations kept colours in only " + kept + "/" + total + ": " + report);
	}

	static String[] analyse(final Img<ARGBType> image) {
		return ANALYSER.analyse(image);
	}
}
