package sc.fiji.unclip.service;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.view.Views;
import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.Generator;
import sc.fiji.unclip.InpaintRequest;
import sc.fiji.unclip.ModelInfo;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.Provenance;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.VariationRequest;

/**
 * Stands in for the engine only in tests of the service's own mechanics (queue, batching, limits,
 * timeouts, cancellation), where what the network computes is beside the point and the real engine would
 * make a 32-client test take minutes on two shared cores. Each image is a pure function of (prompt, seed,
 * image index), so an image handed to the wrong client is detected; each call takes
 * {@code steps x stepMillis} and honours cancellation between steps, like the engine. Records the batches
 * it ran. Tests of what the service computes use the real engine ({@link RealEngine}).
 */
public final class SeededPatternGenerator implements Generator {

	public static final int SIZE = 16;
	private final long stepMillis;
	public final List<Integer> batchSizes = new CopyOnWriteArrayList<>();

	public SeededPatternGenerator(final long stepMillis) {
		this.stepMillis = stepMillis;
	}

	static int pixel(final String prompt, final long seed, final int x, final int y) {
		final long h = (prompt == null ? 0 : prompt.hashCode()) * 0x9E3779B97F4A7C15L + seed * 31 + x * 7 +
			y * 131;
		return 0xff000000 | (int) (h ^ (h >>> 29)) & 0xffffff;
	}

	public static Img<ARGBType> image(final String prompt, final long seed) {
		final int[] argb = new int[SIZE * SIZE];
		for (int y = 0; y < SIZE; y++)
			for (int x = 0; x < SIZE; x++)
				argb[y * SIZE + x] = pixel(prompt, seed, x, y);
		return ArrayImgs.argbs(argb, SIZE, SIZE);
	}

	private void denoise(final SamplingOptions sampling, final ProgressListener progress,
		final Cancellation cancellation)
	{
		final int steps = sampling.steps() == null ? 4 : sampling.steps();
		for (int i = 1; i <= steps; i++) {
			cancellation.check();
			try {
				Thread.sleep(stepMillis);
			}
			catch (final InterruptedException e) {
				Thread.currentThread().interrupt();
				cancellation.cancel();
			}
			progress.progress("decoder", i, steps);
		}
		cancellation.check();
	}

	private GenerationResult result(final String mode, final String prompt, final long seed, final int n,
		final SamplingOptions sampling, final double strength, final int batch)
	{
		final List<Img<ARGBType>> images = new ArrayList<>();
		for (int i = 0; i < n; i++)
			images.add(image(prompt, seed + i));
		return new GenerationResult(images, new Provenance(mode, prompt, seed, n, sampling.steps() == null
			? 4 : sampling.steps(), 1, "ddim", strength, model().name(), model().kind(), model().sha256(), "test"), List.of());
	}

	@Override
	public GenerationResult textToImage(final TextToImageRequest request,
		final ProgressListener progress, final Cancellation cancellation)
	{
		batchSizes.add(1);
		denoise(request.sampling(), progress, cancellation);
		return result("text-to-image", request.prompt(), request.seed(), request.n(), request.sampling(), 1,
			1);
	}

	@Override
	public List<GenerationResult> textToImageBatch(final List<TextToImageRequest> requests,
		final ProgressListener progress, final Cancellation cancellation)
	{
		batchSizes.add(requests.size());
		denoise(requests.get(0).sampling(), progress, cancellation);
		final List<GenerationResult> results = new ArrayList<>();
		for (final TextToImageRequest r : requests)
			results.add(result("text-to-image", r.prompt(), r.seed(), r.n(), r.sampling(), 1, requests
				.size()));
		return results;
	}

	@Override
	public GenerationResult vary(final VariationRequest request, final ProgressListener progress,
		final Cancellation cancellation)
	{
		denoise(request.sampling(), progress, cancellation);
		return result("variations", "variation:" + checksum(request.image()), request.seed(), request.n(),
			request.sampling(), request.strength(), 1);
	}

	@Override
	public GenerationResult inpaint(final InpaintRequest request, final ProgressListener progress,
		final Cancellation cancellation)
	{
		denoise(request.sampling(), progress, cancellation);
		return result("inpaint", request.prompt() + ":" + checksum(request.image()) + ":" + maskChecksum(
			request.mask()), request.seed(), request.n(), request.sampling(), 1, 1);
	}

	public static long checksum(final RandomAccessibleInterval<ARGBType> image) {
		long sum = 0;
		for (final ARGBType p : Views.flatIterable(image))
			sum = sum * 31 + (p.get() & 0xffffff);
		return sum;
	}

	public static long maskChecksum(
		final RandomAccessibleInterval<net.imglib2.type.numeric.integer.UnsignedByteType> mask)
	{
		long sum = 0;
		for (final var p : Views.flatIterable(mask))
			sum = sum * 31 + (p.get() != 0 ? 1 : 0);
		return sum;
	}

	@Override
	public ModelInfo model() {
		return new ModelInfo("pattern-test", "test", "0".repeat(64), SIZE, 4, 1, "ddim");
	}

	@Override
	public void close() {}
}
