package sc.fiji.unclip.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.engine.io.ArgbImages;
import sc.fiji.unclip.engine.io.ChannelDifference;

/**
 * {@link EmbeddedGenerator#textToImageBatch}: requests with different prompts and seeds run through the
 * networks as one batch, and each result equals the request run alone (image i with seed + i).
 */
class CrossRequestBatchTest extends WithBundledGenerator {

	@Test
	void oneBatchOfDifferentPromptsAndSeedsEqualsEachRequestAlone() {
		final List<String> prompts = List.of("a red circle on a blue background", "a large white square",
			"a green triangle on a black background", "a green triangle on a black background");
		final long[] seeds = { 5, 900, 100, 101 };
		final Cancellation none = new Cancellation();
		final float[] batch = generator.pipeline().run(new PipelineRequest("text", prompts.get(0), 4, 25, 1.25,
			"ddim", 1, null, null, prompts), new SeededNoise(seeds), ProgressListener.NONE, none, Trace.NONE);
		final int per = batch.length / 4;
		for (int i = 0; i < 4; i++) {
			final float[] single = generator.pipeline().run(new PipelineRequest("text", prompts.get(i), 1, 25, 1.25,
				"ddim", 1, null, null), new SeededNoise(seeds[i], 1), ProgressListener.NONE, none, Trace.NONE);
			double d = 0;
			for (int j = 0; j < per; j++)
				d = Math.max(d, Math.abs(single[j] - batch[i * per + j]));
			System.out.println("cross-request batch image " + i + " vs alone: max difference " + d);
			assertTrue(d <= EmbeddedGeneratorTest.BATCH_TOLERANCE, "image " + i + " differs by " + d);
		}
	}

	@Test
	void textToImageBatchGivesEachRequestItsOwnResult() {
		final SamplingOptions fast = new SamplingOptions(6, null, null);
		final List<TextToImageRequest> requests = List.of(new TextToImageRequest("a small red circle", 1, 11,
			fast), new TextToImageRequest("a blue square on a yellow background", 2, 42, fast),
			new TextToImageRequest("a white triangle", 1, 7, new SamplingOptions(4, 1.0, "ddim")),
			new TextToImageRequest("a black circle on a green background", 1, -3, fast));
		final int[] calls = { 0 };
		final List<GenerationResult> results = generator.textToImageBatch(requests, (stage, step, total) -> calls[0]++,
			null);
		assertEquals(requests.size(), results.size());
		for (int r = 0; r < requests.size(); r++) {
			final TextToImageRequest request = requests.get(r);
			final GenerationResult alone = generator.textToImage(request, null, null);
			final GenerationResult batched = results.get(r);
			assertEquals(alone.provenance(), batched.provenance(), "request " + r);
			assertEquals(request.n(), batched.images().size());
			for (int i = 0; i < request.n(); i++) {
				final int[] a = ArgbImages.pixels(alone.images().get(i)), b = ArgbImages.pixels(batched.images()
					.get(i));
				final int worst = ChannelDifference.maxLevels(a, b);
				// below 1e-4 before quantisation: at most one 8-bit level where a value sits on a rounding edge
				assertTrue(worst <= 1, "request " + r + " image " + i + " differs by " + worst + " levels");
			}
		}
		// two passes (requests 0, 1 and 3 share settings; request 2 has its own), each stage reported once per pass
		final var us = generator.bundle().manifest().getAsJsonObject("stages").getAsJsonObject("upsampler");
		final int perPass = 25 + us.get("steps").getAsInt() - Math.max(0, TinyPipeline.upsamplerStart(us));
		assertEquals(2 * perPass + 6 + 4, calls[0]);
	}
}
