package sc.fiji.unclip.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.ARGBType;
import sc.fiji.unclip.engine.io.ArgbImages;

/**
 * The tests' pixel analyser for the shapes world ({@code models/shapes-tiny/world.json}): which palette
 * colour the background and the shape of a generated image have.
 */
public final class ShapesAnalyser {

	private final Map<String, int[]> colours = new HashMap<>();
	private final List<String> shapes = new ArrayList<>();

	private ShapesAnalyser(final Path world) {
		final JsonObject json;
		try {
			json = JsonParser.parseString(Files.readString(world)).getAsJsonObject();
		}
		catch (final IOException e) {
			throw new UncheckedIOException(e);
		}
		json.getAsJsonObject("colours").entrySet().forEach(e -> {
			final var rgb = e.getValue().getAsJsonArray();
			colours.put(e.getKey(), new int[] { rgb.get(0).getAsInt(), rgb.get(1).getAsInt(), rgb.get(2)
				.getAsInt() });
		});
		json.getAsJsonArray("shapes").forEach(s -> shapes.add(s.getAsString()));
	}

	/** The analyser of the bundled model's world. */
	public static ShapesAnalyser ofBundle() {
		return new ShapesAnalyser(BundledModel.FOLDER.resolve("world.json"));
	}

	/** Colour names, sorted. */
	public List<String> colourNames() {
		final List<String> names = new ArrayList<>(colours.keySet());
		Collections.sort(names);
		return names;
	}

	public List<String> shapes() {
		return shapes;
	}

	/** {background colour, shape colour}: the palette colour of most border pixels, then of most others. */
	public String[] analyse(final RandomAccessibleInterval<ARGBType> image) {
		final int w = (int) image.dimension(0), h = (int) image.dimension(1);
		final int[] pixels = ArgbImages.pixels(image);
		final Map<String, Integer> border = new HashMap<>(), inside = new HashMap<>();
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				final String c = nearest(pixels[y * w + x]);
				(x == 0 || y == 0 || x == w - 1 || y == h - 1 ? border : inside).merge(c, 1, Integer::sum);
			}
		final String background = argmax(border, null);
		return new String[] { background, argmax(inside, background) };
	}

	/**
	 * Intersection over union of the two images' shape regions (pixels whose palette colour is not the
	 * image's background): 1 when the shape stayed where it was, whatever its colour.
	 */
	public double shapeOverlap(final RandomAccessibleInterval<ARGBType> a, final RandomAccessibleInterval<ARGBType> b) {
		final boolean[] ma = shapeRegion(a), mb = shapeRegion(b);
		int both = 0, either = 0;
		for (int i = 0; i < ma.length; i++) {
			if (ma[i] && mb[i]) both++;
			if (ma[i] || mb[i]) either++;
		}
		return either == 0 ? 1 : (double) both / either;
	}

	private boolean[] shapeRegion(final RandomAccessibleInterval<ARGBType> image) {
		final String background = analyse(image)[0];
		final int[] pixels = ArgbImages.pixels(image);
		final boolean[] region = new boolean[pixels.length];
		for (int i = 0; i < pixels.length; i++)
			region[i] = !nearest(pixels[i]).equals(background);
		return region;
	}

	private static String argmax(final Map<String, Integer> counts, final String except) {
		return counts.entrySet().stream().filter(e -> !e.getKey().equals(except)).max(Map.Entry
			.comparingByValue()).map(Map.Entry::getKey).orElse("none");
	}

	private String nearest(final int argb) {
		final int r = (argb >> 16) & 0xff, g = (argb >> 8) & 0xff, b = argb & 0xff;
		String best = null;
		int bestD = Integer.MAX_VALUE;
		for (final Map.Entry<String, int[]> e : colours.entrySet()) {
			final int[] c = e.getValue();
			final int d = (r - c[0]) * (r - c[0]) + (g - c[1]) * (g - c[1]) + (b - c[2]) * (b - c[2]);
			if (d < bestD) {
				bestD = d;
				best = e.getKey();
			}
		}
		return best;
	}
}
