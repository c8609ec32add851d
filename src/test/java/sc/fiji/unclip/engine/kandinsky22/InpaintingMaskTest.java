package sc.fiji.unclip.engine.kandinsky22;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;

/** The mask preparation of diffusers' Kandinsky 2.2 inpainting, step by step. */
class InpaintingMaskTest {

	@Test
	void prepareMaskMatchesDiffusers() throws IOException {
		final JsonObject json;
		try (InputStream in = getClass().getResourceAsStream("prepare-mask.json")) {
			json = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
		}
		assertArrayEquals(flat(json.getAsJsonArray("prepared")), Inpainting.prepareMask(flat(json.getAsJsonArray(
			"keep")), 9, 7));
	}

	@Test
	void userMaskIsBinarisedAtOneHalfAndInverted() {
		assertArrayEquals(new float[] { 1, 1, 0, 0 }, Inpainting.keepMask(new float[] { 0, 0.49f, 0.5f, 1 }));
	}

	@Test
	void nearestTakesTheTopLeftSampleOfEachCell() {
		// 4x2 -> 2x1: torch's nearest reads source index floor(i * 2)
		assertArrayEquals(new float[] { 1, 3 }, Inpainting.nearest(new float[] { 1, 2, 3, 4, 5, 6, 7, 8 }, 4, 2, 2,
			1));
	}

	private static float[] flat(final JsonArray rows) {
		final int h = rows.size(), w = rows.get(0).getAsJsonArray().size();
		final float[] out = new float[w * h];
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				out[y * w + x] = rows.get(y).getAsJsonArray().get(x).getAsFloat();
		return out;
	}
}
