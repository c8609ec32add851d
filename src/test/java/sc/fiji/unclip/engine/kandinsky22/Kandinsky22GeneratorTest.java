package sc.fiji.unclip.engine.kandinsky22;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.integer.UnsignedByteType;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.CancelledException;
import sc.fiji.unclip.EmbeddingSource;
import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.InpaintRequest;
import sc.fiji.unclip.InterpolationRequest;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.TextDiffRequest;
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.UnclipException;
import sc.fiji.unclip.VariationRequest;
import sc.fiji.unclip.engine.EmbeddedGenerator;
import sc.fiji.unclip.engine.io.ArgbImages;
import sc.fiji.unclip.engine.io.ChannelDifference;

/**
 * The embedded generator on a real kandinsky22 bundle: sizes, pixel-exact inpainting, which networks are in
 * memory per workflow, progress per stage, cancellation, float16 refused on the CPU.
 */
class Kandinsky22GeneratorTest {

	static final SamplingOptions FAST = new SamplingOptions(2, null, null);
	static EmbeddedGenerator generator;

	@BeforeAll
	static void open() {
		generator = EmbeddedGenerator.open(Kandinsky22Fixture.BUNDLE);
	}

	@AfterAll
	static void close() {
		generator.close();
	}

	static Kandinsky22Pipeline pipeline() {
		return (Kandinsky22Pipeline) generator.pipeline();
	}

	/** A smooth RGB test image with some texture. */
	static Img<ARGBType> image(final int w, final int h) {
		final int[] argb = new int[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				argb[y * w + x] = 0xff000000 | (x * 255 / w) << 16 | (y * 255 / h) << 8 | ((x * 7 + y * 13) & 0xff);
		return ArrayImgs.argbs(argb, w, h);
	}

	@Test
	void theModelsDefaultSizeWhenNoneIsGivenAndAnyMultipleOf64Otherwise() {
		final int[] defaults = pipeline().defaultSize();
		final GenerationResult plain = generator.textToImage(new TextToImageRequest("a lighthouse", 1, 3, FAST),
			null, null);
		assertEquals(defaults[0], plain.images().get(0).dimension(0));
		assertEquals(defaults[1], plain.images().get(0).dimension(1));
		final GenerationResult wide = generator.textToImage(new TextToImageRequest("a lighthouse", 2, 3, FAST
			.withSize(128, 64)), null, null);
		for (final Img<ARGBType> image : wide.images()) {
			assertEquals(128, image.dimension(0));
			assertEquals(64, image.dimension(1));
		}
		assertEquals("128x64", wide.provenance().toMap().get("unclip.size"));
		assertEquals(64, generator.model().sizeMultiple());
	}

	@ParameterizedTest
	@CsvSource({ "100,64", "64,0", "4096,64", "-64,64" })
	void otherSizesAreRefusedNamingTheRule(final int w, final int h) {
		final UnclipException e = assertThrows(UnclipException.class, () -> generator.textToImage(
			new TextToImageRequest("a lighthouse", 1, 3, FAST.withSize(w, h)), null, null));
		assertTrue(e.getMessage().contains("multiples of 64"), e.getMessage());
	}

	@Test
	void aWidthWithoutHeightIsRefused() {
		final UnclipException e = assertThrows(UnclipException.class, () -> generator.textToImage(
			new TextToImageRequest("a lighthouse", 1, 3, new SamplingOptions(2, null, null, 128, null)), null,
			null));
		assertTrue(e.getMessage().contains("both width and height"), e.getMessage());
	}

	/** Masks touching the border, on images of sizes other than the model's (odd, not multiples of 64). */
	@ParameterizedTest
	@CsvSource({ "97,61,top-right", "97,61,left-edge", "130,70,everything-but-a-frame", "64,64,bottom-row" })
	void inpaintingKeepsEveryPixelOutsideTheMask(final int w, final int h, final String shape) {
		final Img<ARGBType> image = image(w, h);
		final Img<UnsignedByteType> mask = ArrayImgs.unsignedBytes(w, h);
		final var ra = mask.randomAccess();
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				final boolean in = switch (shape) {
					case "top-right" -> x >= w - 30 && y < 25;
					case "left-edge" -> x < 9;
					case "everything-but-a-frame" -> x > 2 && y > 2 && x < w - 3 && y < h - 3;
					default -> y == h - 1;
				};
				ra.setPosition(new int[] { x, y });
				ra.get().set(in ? 255 : 0);
			}
		final GenerationResult result = generator.inpaint(new InpaintRequest(image, mask, "a yellow flower", 2,
			5, 3.0, FAST), null, null);
		final int[] source = ArgbImages.pixels(image);
		boolean changedInside = false;
		for (final Img<ARGBType> out : result.images()) {
			assertEquals(w, out.dimension(0));
			assertEquals(h, out.dimension(1));
			final int[] px = ArgbImages.pixels(out);
			final var m = mask.randomAccess();
			for (int y = 0; y < h; y++)
				for (int x = 0; x < w; x++) {
					m.setPosition(new int[] { x, y });
					final int i = y * w + x;
					if (m.get().get() == 0) assertEquals(source[i], px[i], "pixel " + x + "," + y + " outside the mask");
					else changedInside |= (source[i] & 0xffffff) != (px[i] & 0xffffff);
				}
		}
		assertTrue(changedInside, "nothing was inpainted");
	}

	@Test
	void eachWorkflowKeepsOnlyItsNetworks() {
		final Img<ARGBType> image = image(80, 50);
		generator.textToImage(new TextToImageRequest("a cat", 1, 1, FAST), null, null);
		assertEquals(Set.of("text_encoder", "prior", "prior_post", "decoder", "movq_decoder"), pipeline()
			.loadedComponents());
		generator.vary(new VariationRequest(image, 1, 1, 1.0, FAST), null, null);
		assertEquals(Set.of("image_encoder", "decoder", "movq_decoder"), pipeline().loadedComponents());
		generator.vary(new VariationRequest(image, 1, 1, 0.5, new SamplingOptions(4, null, null)), null, null);
		assertEquals(Set.of("image_encoder", "decoder", "movq_encoder", "movq_decoder"), pipeline()
			.loadedComponents());
		final Img<UnsignedByteType> mask = ArrayImgs.unsignedBytes(80, 50);
		mask.randomAccess().setPositionAndGet(new int[] { 10, 10 }).set(255);
		generator.inpaint(new InpaintRequest(image, mask, "a dot", 1, 1, 0, FAST), null, null);
		assertEquals(Set.of("text_encoder", "prior", "prior_post", "inpaint_decoder", "movq_encoder",
			"movq_decoder"), pipeline().loadedComponents());
	}

	@Test
	void progressReportsEveryStageAndCancellationStopsWithinAStep() {
		final List<String> events = new ArrayList<>();
		generator.textToImage(new TextToImageRequest("a cat", 1, 1, new SamplingOptions(3, null, null)), (stage,
			step, total) -> events.add(stage + " " + step + "/" + total), null);
		final int priorSteps = pipeline().options(1, 64, 64, 3, 4, null).priorSteps();
		assertEquals("prior 1/" + priorSteps, events.get(0));
		assertTrue(events.contains("prior " + priorSteps + "/" + priorSteps), events.toString());
		assertTrue(events.containsAll(List.of("decoder 1/3", "decoder 2/3", "decoder 3/3", "movq 1/1")), events
			.toString());
		final Cancellation cancellation = new Cancellation();
		final AtomicInteger decoderSteps = new AtomicInteger();
		assertThrows(CancelledException.class, () -> generator.textToImage(new TextToImageRequest("a cat", 1, 1,
			new SamplingOptions(50, null, null)), (stage, step, total) -> {
				if (stage.equals("decoder")) {
					decoderSteps.set(step);
					cancellation.cancel();
				}
			}, cancellation));
		assertEquals(1, decoderSteps.get(), "steps run after cancelling");
	}

	@Test
	void variationsAreDeterministicAndFollowTheSeed() {
		final Img<ARGBType> image = image(90, 70);
		final int[] a = ArgbImages.pixels(generator.vary(new VariationRequest(image, 1, 7, 0.5,
			new SamplingOptions(4, null, null)), null, null).images().get(0));
		final int[] b = ArgbImages.pixels(generator.vary(new VariationRequest(image, 1, 7, 0.5,
			new SamplingOptions(4, null, null)), null, null).images().get(0));
		final int[] c = ArgbImages.pixels(generator.vary(new VariationRequest(image, 1, 8, 0.5,
			new SamplingOptions(4, null, null)), null, null).images().get(0));
		assertEquals(90 * 70, a.length, "variations come back at the source's size");
		assertTrue(java.util.Arrays.equals(a, b));
		assertFalse(java.util.Arrays.equals(a, c));
	}

	@Test
	void float16BundlesAreRefusedOnTheCpu(@TempDir final Path dir) throws IOException {
		try (var files = Files.list(Kandinsky22Fixture.BUNDLE)) {
			for (final Path f : files.toList())
				Files.createSymbolicLink(dir.resolve(f.getFileName()), f.toAbsolutePath());
		}
		final Path manifest = dir.resolve("unclip.json");
		final String text = Files.readString(manifest);
		Files.delete(manifest);
		Files.writeString(manifest, text.replace("\"dtype\": \"float32\"", "\"dtype\": \"float16\""));
		assertNotEquals(text, Files.readString(manifest));
		final UnclipException e = assertThrows(UnclipException.class, () -> EmbeddedGenerator.open(dir).close());
		assertTrue(e.getMessage().contains("-Dunclip.device=gpu") && e.getMessage().contains("float16"), e
			.getMessage());
	}

	@Test
	void interpolationRunsFromOneImagesVariationToTheOthersWithOnlyItsNetworks() {
		final int side = pipeline().defaultSize()[0];
		final Img<ARGBType> a = image(side, side), b = ArrayImgs.argbs(ArgbImages.pixels(image(side / 2, side * 2)),
			side, side);
		final GenerationResult r = generator.interpolate(new InterpolationRequest(EmbeddingSource.of(a),
			EmbeddingSource.of(b), InterpolationRequest.evenWeights(3), 5, false, FAST), null, null);
		assertEquals(3, r.images().size());
		assertEquals(Set.of(Kandinsky22.DECODER, Kandinsky22.MOVQ_DECODER), pipeline().loadedComponents(),
			"the decoding keeps only its networks");
		final int[] first = ArgbImages.pixels(r.images().get(0)), middle = ArgbImages.pixels(r.images().get(1)),
			last = ArgbImages.pixels(r.images().get(2));
		final int[] varyA = ArgbImages.pixels(generator.vary(new VariationRequest(a, 1, 5, 1.0, FAST), null, null)
			.images().get(0)), varyB = ArgbImages.pixels(generator.vary(new VariationRequest(b, 1, 5, 1.0, FAST),
				null, null).images().get(0));
		// the ends decode the two images' own embeddings (up to rounding), with the frames' shared noise
		assertTrue(ChannelDifference.maxLevels(first, varyA) <= 1, "first frame is not a's variation");
		assertTrue(ChannelDifference.maxLevels(last, varyB) <= 1, "last frame is not b's variation");
		assertTrue(ChannelDifference.maxLevels(varyA, varyB) > 2, "the two ends look alike: the test shows nothing");
		assertTrue(ChannelDifference.maxLevels(middle, first) > 0 && ChannelDifference.maxLevels(middle, last) > 0, "the middle is an end");
		assertEquals("interpolation", r.provenance().mode());
	}

	@Test
	void interpolationReachesAPromptAndTextDiffsAreRefused() {
		final int side = pipeline().defaultSize()[0];
		final GenerationResult r = generator.interpolate(new InterpolationRequest(EmbeddingSource.of(image(side,
			side)), EmbeddingSource.of("a red cat"), List.of(0.0, 1.0), 5, false, FAST), null, null);
		assertEquals(2, r.images().size());
		final UnclipException diff = assertThrows(UnclipException.class, () -> generator.textDiff(
			new TextDiffRequest(image(side, side), "a cat", "a dog", 0.3, 1, 5, false, FAST), null, null));
		assertTrue(diff.getMessage().contains("Text diffs are not available for models of kind kandinsky22"), diff
			.getMessage());
		final UnclipException invert = assertThrows(UnclipException.class, () -> generator.interpolate(
			new InterpolationRequest(EmbeddingSource.of(image(side, side)), EmbeddingSource.of("a red cat"), List.of(
				0.0, 1.0), 5, true, FAST), null, null));
		assertTrue(invert.getMessage().contains("DDIM inversion"), invert.getMessage());
	}
}
