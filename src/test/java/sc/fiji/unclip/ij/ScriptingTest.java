package sc.fiji.unclip.ij;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.util.List;

import net.imglib2.img.Img;
import net.imglib2.type.numeric.ARGBType;

import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.prefs.PrefService;
import org.scijava.script.ScriptModule;
import org.scijava.script.ScriptService;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.engine.EmbeddedGenerator;

/**
 * The Groovy example in docs/scripting runs as Fiji runs scripts: SciJava's ScriptService with Groovy's own
 * JSR-223 engine, its {@code #@} parameters filled (the UnclipService injected), and gives ImgLib2 images
 * equal to the engine's for the same prompt and seeds.
 */
class ScriptingTest {

	@Test
	void theGroovyExampleReturnsTheEnginesImgs() throws Exception {
		final Context context = new Context(ScriptService.class, UnclipService.class, PrefService.class);
		try {
			context.service(PrefService.class).clear(UnclipService.class); // the bundled model
			final ScriptModule module = context.service(ScriptService.class).run(new File(
				"docs/scripting/text-to-img.groovy"), true, "prompt", "a yellow square on a white background",
				"seed", 11L, "n", 2).get();
			@SuppressWarnings("unchecked")
			final List<Img<ARGBType>> images = (List<Img<ARGBType>>) module.getOutput("images");
			assertEquals(2, images.size());
			try (EmbeddedGenerator engine = EmbeddedGenerator.openDefault()) {
				final var direct = engine.textToImage(new TextToImageRequest("a yellow square on a white background",
					2, 11L, SamplingOptions.DEFAULTS), ProgressListener.NONE, new Cancellation()).images();
				for (int i = 0; i < 2; i++)
					assertArrayEquals(pixels(direct.get(i)), pixels(images.get(i)), "image " + i);
			}
		}
		finally {
			context.dispose();
		}
	}

	private static int[] pixels(final Img<ARGBType> image) {
		final int[] out = new int[(int) (image.dimension(0) * image.dimension(1))];
		int i = 0;
		for (final ARGBType p : image)
			out[i++] = p.get();
		return out;
	}
}
