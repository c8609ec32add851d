package sc.fiji.unclip.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.UnclipException;

/** A model of one fixed size (kind tiny) takes its own size or none, and refuses any other clearly. */
class FixedSizeTest {

	static EmbeddedGenerator generator;

	@BeforeAll
	static void open() {
		generator = EmbeddedGenerator.open(Fixture.BUNDLE);
	}

	@AfterAll
	static void close() {
		generator.close();
	}

	@Test
	void itsOwnSizeOrNone() {
		final int r = generator.model().resolution();
		assertEquals(0, generator.model().sizeMultiple());
		final GenerationResult result = generator.textToImage(new TextToImageRequest("a red circle", 1, 1,
			new SamplingOptions(2, null, null, r, r)), null, null);
		assertEquals(r, result.images().get(0).dimension(0));
		assertEquals(null, result.provenance().toMap().get("unclip.size"));
	}

	@Test
	void otherSizesAreRefused() {
		final int r = generator.model().resolution();
		final UnclipException e = assertThrows(UnclipException.class, () -> generator.textToImage(
			new TextToImageRequest("a red circle", 1, 1, new SamplingOptions(2, null, null, 2 * r, r)), null, null));
		assertTrue(e.getMessage().contains("makes only " + r + "x" + r) && e.getMessage().contains(2 * r + "x" +
			r), e.getMessage());
	}
}
