package sc.fiji.unclip.engine.kandinsky22;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import sc.fiji.unclip.UnclipException;
import sc.fiji.unclip.engine.io.PilBicubic;

/**
 * transformers' {@code CLIPImageProcessor} (the prior folder's {@code image_processor}, the manifest's
 * {@code image_processor} keys): the shortest edge resized to {@code size} with Pillow's bicubic on the
 * 8-bit image, the centre {@code crop_size} square cut out ({@code top = (h - S) // 2}), rescaled by
 * {@code rescale_factor} in double then rounded to float32, normalised {@code (x - mean) / std} in float32:
 * the same pixel values the Python processor gives.
 */
public final class ClipImageProcessor {

	private final int shortestEdge, cropHeight, cropWidth;
	private final double rescale;
	private final float[] mean, std;

	public ClipImageProcessor(final JsonObject config) {
		if (config == null) throw new UnclipException("The model's manifest has no image_processor entry; " +
			"export the bundle again.");
		try {
			final int resample = config.has("resample") ? config.get("resample").getAsInt() : 3;
			if (resample != 3) throw new UnclipException("The model's image processor resamples with PIL filter " +
				resample + "; this version reproduces only BICUBIC (3).");
			if (config.has("do_resize") && !config.get("do_resize").getAsBoolean() || config.has(
				"do_center_crop") && !config.get("do_center_crop").getAsBoolean())
				throw new UnclipException("The model's image processor skips resizing or cropping; this version " +
					"needs both (CLIP's standard processor).");
			shortestEdge = side(config.get("size"), "shortest_edge");
			cropHeight = side(config.get("crop_size"), "height");
			cropWidth = side(config.get("crop_size"), "width");
			if (shortestEdge < Math.max(cropHeight, cropWidth)) throw new UnclipException("The model's image " +
				"processor crops " + cropWidth + "x" + cropHeight + " out of a " + shortestEdge + " pixel edge; " +
				"padding is not supported.");
			rescale = config.has("rescale_factor") ? config.get("rescale_factor").getAsDouble() : 1 / 255.0;
			mean = triple(config, "image_mean");
			std = triple(config, "image_std");
		}
		catch (final RuntimeException e) {
			if (e instanceof UnclipException u) throw u;
			throw new UnclipException("The model's image_processor entry is not CLIP's (" + e.getMessage() +
				"); export the bundle again.", e);
		}
	}

	private static int side(final JsonElement e, final String key) {
		if (e.isJsonPrimitive()) return e.getAsInt();
		final JsonObject o = e.getAsJsonObject();
		return o.has(key) ? o.get(key).getAsInt() : o.get("shortest_edge").getAsInt();
	}

	private static float[] triple(final JsonObject config, final String key) {
		final float[] out = new float[3];
		for (int c = 0; c < 3; c++)
			out[c] = config.getAsJsonArray(key).get(c).getAsFloat();
		return out;
	}

	public int cropHeight() {
		return cropHeight;
	}

	public int cropWidth() {
		return cropWidth;
	}

	/** {@code pixel_values} [3, S, S] of an RGB image (row-major ARGB pixels). */
	public float[] pixelValues(final int[] argb, final int width, final int height) {
		final int w, h;
		if (width <= height) {
			w = shortestEdge;
			h = (int) ((double) shortestEdge * height / width);
		}
		else {
			h = shortestEdge;
			w = (int) ((double) shortestEdge * width / height);
		}
		final int[] resized = PilBicubic.resize(argb, width, height, w, h);
		final int top = (h - cropHeight) / 2, left = (w - cropWidth) / 2;
		final int plane = cropHeight * cropWidth;
		final float[] out = new float[3 * plane];
		for (int y = 0; y < cropHeight; y++)
			for (int x = 0; x < cropWidth; x++) {
				final int p = resized[(top + y) * w + left + x];
				for (int c = 0; c < 3; c++) {
					final float v = (float) (((p >> (16 - 8 * c)) & 0xff) * rescale);
					out[c * plane + y * cropWidth + x] = (v - mean[c]) / std[c];
				}
			}
		return out;
	}
}
