package sc.fiji.unclip.engine;

import java.util.SplittableRandom;

/**
 * Production noise: image {@code i} of a request has its own generator seeded with {@code seed + i}
 * (wrapping), so image i of an n-image request equals a single-image request with seed {@code seed + i}.
 * Standard normals come from {@link SplittableRandom} by the Box–Muller transform (both values of a pair
 * are used, in order: {@code r sin θ} after {@code r cos θ}), drawn in the order the pipeline asks.
 */
public final class SeededNoise implements NoiseSource {

	private final Gaussian[] generators;

	public SeededNoise(final long seed, final int n) {
		generators = new Gaussian[n];
		for (int i = 0; i < n; i++)
			generators[i] = new Gaussian(seed + i);
	}

	/**
	 * One generator per image with the given seeds: several requests batched together, each image with the
	 * seed it has alone ({@code seed + i} of its request).
	 */
	public SeededNoise(final long[] seeds) {
		generators = new Gaussian[seeds.length];
		for (int i = 0; i < seeds.length; i++)
			generators[i] = new Gaussian(seeds[i]);
	}

	@Override
	public float[] draw(final String name, final int batch, final int perImage) {
		if (batch != generators.length) throw new IllegalArgumentException("batch " + batch + " but " +
			generators.length + " generators");
		final float[] out = new float[batch * perImage];
		for (int i = 0; i < batch; i++)
			for (int j = 0; j < perImage; j++)
				out[i * perImage + j] = (float) generators[i].next();
		return out;
	}

	private static final class Gaussian {

		private final SplittableRandom random;
		private double spare;
		private boolean hasSpare;

		Gaussian(final long seed) {
			random = new SplittableRandom(seed);
		}

		double next() {
			if (hasSpare) {
				hasSpare = false;
				return spare;
			}
			// 1 - u keeps the logarithm's argument in (0, 1]
			final double r = Math.sqrt(-2 * Math.log(1 - random.nextDouble()));
			final double theta = 2 * Math.PI * random.nextDouble();
			spare = r * Math.sin(theta);
			hasSpare = true;
			return r * Math.cos(theta);
		}
	}
}
