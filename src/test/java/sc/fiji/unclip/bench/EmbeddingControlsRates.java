package sc.fiji.unclip.bench;

import java.nio.file.Path;
import java.util.List;

import net.imglib2.img.Img;
import net.imglib2.type.numeric.ARGBType;
import sc.fiji.unclip.EmbeddingSource;
import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.InterpolationRequest;
import sc.fiji.unclip.TextDiffRequest;
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.engine.EmbeddedGenerator;
import sc.fiji.unclip.engine.ShapesAnalyser;

/**
 * Success rates of the embedding controls on the bundled model, judged by the tests' pixel analyser (the
 * numbers in models/shapes-tiny/EVAL.md). A measurement, not a test:
 * {@code java -cp "target/classes:target/test-classes:target/lib/*" sc.fiji.unclip.bench.EmbeddingControlsRates [SOURCES]}
 * <ul>
 * <li>text diffs: sources "a large red circle on a B background" (seed s, B cycling through the other
 * colours), edited from that prompt to the same with "yellow", n = 1 with seed s + 1; right when the shape
 * is yellow and the background still B; per amount, with and without DDIM inversion;</li>
 * <li>interpolation: source "a large C1 S1 on a B1 background" to the prompt (and to a generated image of)
 * "a large C2 S2 on a B2 background" in 5 frames; the first frame right when it has the source's colours,
 * the last when it has the target's; with and without inversion.</li>
 * </ul>
 */
public final class EmbeddingControlsRates {

	private EmbeddingControlsRates() {}

	public static void main(final String[] args) {
		final int sources = args.length > 0 ? Integer.parseInt(args[0]) : 20;
		final ShapesAnalyser analyser = ShapesAnalyser.ofBundle();
		final List<String> colours = analyser.colourNames();
		final List<String> backgrounds = colours.stream().filter(c -> !c.equals("red") && !c.equals("yellow"))
			.toList();
		try (EmbeddedGenerator g = EmbeddedGenerator.open(Path.of("models/shapes-tiny"))) {
			final double[] amounts = { 0.1, 0.2, 0.3, 0.4, 0.5 };
			for (final boolean invert : new boolean[] { false, true }) {
				final int[] right = new int[amounts.length], kept = new int[amounts.length];
				final double[] overlap = new double[amounts.length];
				int valid = 0;
				for (int s = 0; s < sources; s++) {
					final String bg = backgrounds.get(s % backgrounds.size());
					final String from = "a large red circle on a " + bg + " background";
					final Img<ARGBType> source = g.textToImage(new TextToImageRequest(from, 1, s, null), null, null)
						.images().get(0);
					final String[] seen = analyser.analyse(source);
					if (!seen[0].equals(bg) || !seen[1].equals("red")) continue;
					valid++;
					for (int a = 0; a < amounts.length; a++) {
						final Img<ARGBType> edited = g.textDiff(new TextDiffRequest(source, from, from.replace("red",
							"yellow"), amounts[a], 1, s + 1, invert, null), null, null).images().get(0);
						final String[] after = analyser.analyse(edited);
						overlap[a] += analyser.shapeOverlap(source, edited);
						if (after[0].equals(bg)) kept[a]++;
						if (after[0].equals(bg) && after[1].equals("yellow")) right[a]++;
					}
				}
				for (int a = 0; a < amounts.length; a++)
					System.out.printf("textdiff invert=%s amount=%.1f: yellow on the same background %d/%d, " +
						"background kept %d/%d, shape region overlap with the source (IoU, mean) %.2f%n", invert, amounts[a],
						right[a], valid, kept[a], valid, overlap[a] / valid);
			}
			for (final boolean invert : new boolean[] { false, true })
				for (final boolean toImage : new boolean[] { false, true }) {
					int valid = 0, first = 0, last = 0;
					double overlap = 0;
					for (int s = 0; s < sources; s++) {
						final String[] a = scene(colours, analyser.shapes(), s), b = scene(colours, analyser.shapes(), s +
							7);
						final String pa = prompt(a), pb = prompt(b);
						final Img<ARGBType> source = g.textToImage(new TextToImageRequest(pa, 1, s, null), null, null)
							.images().get(0);
						final String[] seenA = analyser.analyse(source);
						if (!seenA[0].equals(a[2]) || !seenA[1].equals(a[0])) continue;
						final EmbeddingSource target;
						final String[] wanted;
						if (toImage) {
							final Img<ARGBType> image = g.textToImage(new TextToImageRequest(pb, 1, s + 1000, null), null,
								null).images().get(0);
							wanted = analyser.analyse(image);
							target = EmbeddingSource.of(image);
						}
						else {
							wanted = new String[] { b[2], b[0] };
							target = EmbeddingSource.of(pb);
						}
						valid++;
						final GenerationResult r = g.interpolate(new InterpolationRequest(EmbeddingSource.of(source), target,
							InterpolationRequest.evenWeights(5), s + 1, invert, null), null, null);
						final String[] f = analyser.analyse(r.images().get(0));
						final String[] l = analyser.analyse(r.images().get(4));
						if (f[0].equals(seenA[0]) && f[1].equals(seenA[1])) first++;
						if (l[0].equals(wanted[0]) && l[1].equals(wanted[1])) last++;
						overlap += analyser.shapeOverlap(source, r.images().get(0));
					}
					System.out.printf("interpolate invert=%s to %s: first frame has the source's colours %d/%d, " +
						"last frame the target's %d/%d, first frame's shape region overlap with the source %.2f%n", invert,
						toImage ? "image" : "prompt", first, valid, last, valid, overlap / valid);
				}
		}
	}

	/** {shape colour, shape, background}, the two colours different. */
	private static String[] scene(final List<String> colours, final List<String> shapes, final int i) {
		final String c = colours.get(i % colours.size());
		final String bg = colours.get((i + 1 + i / colours.size()) % colours.size());
		return new String[] { c, shapes.get(i % shapes.size()), bg.equals(c) ? colours.get((i + 2) % colours
			.size()) : bg };
	}

	private static String prompt(final String[] scene) {
		return "a large " + scene[0] + " " + scene[1] + " on a " + scene[2] + " background";
	}
}
