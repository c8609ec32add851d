package sc.fiji.unclip.ij;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.scijava.command.CommandModule;

import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.ij.image.GeneratedLabel;
import sc.fiji.unclip.ij.image.ResultImages;

/** Text to Image... through CommandService on the bundled model. */
class TextToImageCommandTest {

	static final String PROMPT = "a red circle on a blue background";
	@RegisterExtension
	static final PluginContext plugin = new PluginContext();

	@Test
	void makesOneRgbStackOfNImagesEqualToTheEngineWithProvenance() {
		final ImagePlus result = plugin.result(TextToImageCommand.class, "prompt", PROMPT, "n", 2, "seed", 7L,
			"steps", 4);
		final int side = plugin.unclip.generator().model().resolution();
		assertEquals(ImagePlus.COLOR_RGB, result.getType());
		assertEquals(side, result.getWidth());
		assertEquals(side, result.getHeight());
		assertEquals(2, result.getStackSize());
		assertEquals("unCLIP - " + PROMPT, result.getTitle());
		assertEquals("seed 8", result.getStack().getSliceLabel(2));

		final GenerationResult direct = plugin.unclip.generator().textToImage(new TextToImageRequest(PROMPT, 2, 7,
			new SamplingOptions(4, null, null)), null, null);
		for (int i = 0; i < 2; i++)
			assertArrayEquals(ResultImages.pixels(direct.images().get(i)), (int[]) result.getStack().getPixels(i +
				1), "image " + i + " differs from the engine's");

		final String info = (String) result.getProperty("Info");
		assertTrue(info.startsWith(GeneratedLabel.HEADER), info);
		for (final String line : new String[] { "unclip.generated: true", "unclip.mode: text",
			"unclip.prompt: " + PROMPT, "unclip.seed: 7", "unclip.n: 2", "unclip.steps: 4",
			"unclip.model: " + plugin.unclip.generator().model().name(), "unclip.model.kind: tiny", "unclip.model.sha256: " + plugin.unclip
				.generator().model().sha256(), "unclip.macro: run(\"Text to Image...\", \"prompt=[" + PROMPT +
					"] n=2 seed=7 steps=4" })
			assertTrue(info.contains(line), () -> "info lacks '" + line + "':\n" + info);
		assertEquals("true", result.getProp("unclip.generated"));
	}

	@Test
	void aRandomSeedIsWrittenBackSoTheRecordedValuesReplayTheSamePixels() {
		final CommandModule first = plugin.run(TextToImageCommand.class, "prompt", "a green square", "seed", -1L,
			"steps", 3);
		assertFalse(first.isCanceled(), first.getCancelReason());
		final long used = (Long) first.getInput("seed");
		assertTrue(used >= 0, "seed written back: " + used);
		final ImagePlus again = plugin.result(TextToImageCommand.class, "prompt", "a green square", "seed", used,
			"steps", 3);
		assertArrayEquals((int[]) ((ImageMaker) first.getDelegateObject()).result().getProcessor().getPixels(),
			(int[]) again.getProcessor().getPixels());
	}

	@Test
	void theModelsDefaultsAreUsedWhenStepsAndGuidanceAreZero() {
		final ImagePlus result = plugin.result(TextToImageCommand.class, "prompt", PROMPT, "seed", 1L);
		final var model = plugin.unclip.generator().model();
		assertEquals(Integer.toString(model.defaultSteps()), GeneratedLabel.value(result, "unclip.steps"));
		assertEquals(Double.toString(model.defaultGuidance()), GeneratedLabel.value(result, "unclip.guidance"));
		assertEquals(model.defaultScheduler(), GeneratedLabel.value(result, "unclip.scheduler"));
	}

	@Test
	void badValuesEndTheCommandWithAMessage() {
		plugin.failure("prompt", TextToImageCommand.class, "prompt", "   ", "seed", 1L);
		plugin.failure("1 to 16", TextToImageCommand.class, "prompt", PROMPT, "n", 0, "seed", 1L);
		plugin.failure("1 to 16", TextToImageCommand.class, "prompt", PROMPT, "n", 1000, "seed", 1L);
		plugin.failure("steps", TextToImageCommand.class, "prompt", PROMPT, "steps", -3, "seed", 1L);
		plugin.failure("guidance", TextToImageCommand.class, "prompt", PROMPT, "guidance", Double.NaN, "seed",
			1L);
		plugin.failure("negative", TextToImageCommand.class, "prompt", PROMPT, "seed", -5L);
		plugin.failure("scheduler", TextToImageCommand.class, "prompt", PROMPT, "scheduler", "euler", "seed", 1L);
	}
}
