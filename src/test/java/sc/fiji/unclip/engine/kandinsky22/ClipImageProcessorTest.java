package sc.fiji.unclip.engine.kandinsky22;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;

import sc.fiji.unclip.engine.io.ArgbImages;
import sc.fiji.unclip.engine.io.PngIO;

/** transformers' own CLIPImageProcessor output (test resources, see README there) is reproduced. */
class ClipImageProcessorTest {

	@Test
	void matchesTransformers() throws IOException {
		final JsonObject config;
		try (InputStream in = getClass().getResourceAsStream("clip-processor.json")) {
			config = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
		}
		final int[] pixels;
		try (InputStream in = getClass().getResourceAsStream("clip-source.png")) {
			pixels = ArgbImages.pixels(PngIO.read(in));
		}
		final float[] expected = new float[3 * 32 * 32];
		try (InputStream in = getClass().getResourceAsStream("clip-pixel-values.f32")) {
			ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(expected);
		}
		final float[] actual = new ClipImageProcessor(config).pixelValues(pixels, 53, 70);
		assertEquals(expected.length, actual.length);
		for (int i = 0; i < expected.length; i++)
			assertEquals(expected[i], actual[i], 0f, "pixel value " + i);
	}
}
