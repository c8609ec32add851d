package sc.fiji.unclip.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.UnclipException;
import sc.fiji.unclip.engine.EmbeddedGenerator;
import sc.fiji.unclip.engine.NoiseSource;
import sc.fiji.unclip.engine.SourceImage;
import sc.fiji.unclip.engine.io.ArgbImages;
import sc.fiji.unclip.engine.io.PngIO;
import sc.fiji.unclip.engine.kandinsky22.Kandinsky22Pipeline;
import sc.fiji.unclip.engine.karlo.KarloPipeline;

/**
 * {@code parity --case DIR --model BUNDLE} (developer command, models/README.md): runs one parity case that
 * {@code unclip-tools verify} recorded from diffusers (DIR/case.json, models/BUNDLE.md "Parity hand-off")
 * with the case's own noise, and writes what the engine computed as raw little-endian float32 under
 * DIR/java/ (image_embeds, negative_image_embeds for kandinsky22, image before any pixel composite). Where the case has
 * expected values it also prints {@code max_abs_diff VALUE CASE/NAME}.
 */
final class ParityCommand {

	private ParityCommand() {}

	static int run(final Arguments a, final PrintStream out, final PrintStream err) throws IOException {
		final Path dir = Path.of(a.required("case"));
		final Path bundle = Path.of(a.required("model"));
		final JsonObject c = readJson(dir.resolve("case.json"));
		final CaseNoise noise = new CaseNoise(dir, c.getAsJsonObject("noise"));
		final Map<String, float[]> computed;
		final long start = System.nanoTime();
		final StageClock clock = new StageClock();
		try (EmbeddedGenerator generator = EmbeddedGenerator.open(bundle)) {
			clock.opened = System.nanoTime();
			final String mode = string(c, "mode");
			if (mode == null) throw new UnclipException(dir.resolve("case.json") + " has no mode.");
			final JsonObject stages = generator.bundle().manifest().getAsJsonObject("stages");
			if (generator.pipeline() instanceof Kandinsky22Pipeline pipeline) computed = kandinsky22(pipeline, c,
				stages, mode, dir, noise, clock);
			else if (generator.pipeline() instanceof KarloPipeline pipeline) computed = karlo(pipeline, c, stages,
				mode, dir, noise, clock);
			else throw new UnclipException("parity runs kandinsky22 and karlo bundles; " + bundle + " is of kind " +
				generator.model().kind() + ".");
		}
		final long end = System.nanoTime();
		out.println(clock.line(start, end));
		final Path javaDir = dir.resolve("java");
		Files.createDirectories(javaDir);
		for (final Map.Entry<String, float[]> e : computed.entrySet())
			Files.write(javaDir.resolve(e.getKey() + ".f32"), bytes(e.getValue()));
		final JsonObject expected = c.has("expected") ? c.getAsJsonObject("expected") : new JsonObject();
		final String name = dir.getFileName().toString();
		for (final Map.Entry<String, float[]> e : computed.entrySet()) {
			if (!expected.has(e.getKey())) continue;
			final float[] want = readF32(dir, expected.getAsJsonObject(e.getKey()));
			out.println("max_abs_diff " + maxAbsDiff(want, e.getValue(), e.getKey()) + " " + name + "/" + e.getKey());
		}
		final Set<String> unused = noise.unused();
		if (!unused.isEmpty()) err.println("unclip: parity: noise the engine did not draw: " + String.join(", ",
			unused));
		return Main.OK;
	}

	private static Map<String, float[]> kandinsky22(final Kandinsky22Pipeline pipeline, final JsonObject c,
		final JsonObject stages, final String mode, final Path dir, final NoiseSource noise,
		final ProgressListener progress) throws IOException
	{
		final int n = integer(c, "n", 1);
		final JsonObject prior = stages.getAsJsonObject("prior"), decoder = stages.getAsJsonObject("decoder");
		final Kandinsky22Pipeline.Options o = new Kandinsky22Pipeline.Options(n, integer(c, "width", pipeline
			.defaultSize()[0]), integer(c, "height", pipeline.defaultSize()[1]), integer(c, "prior_steps", prior.get(
				"steps").getAsInt()), number(c, "prior_guidance", prior.get("guidance").getAsDouble()), integer(c,
					"steps", decoder.get("steps").getAsInt()), number(c, "guidance", decoder.get("guidance")
						.getAsDouble()), string(c, "scheduler"), negativePrompt(c));
		final List<String> prompts = java.util.Collections.nCopies(n, string(c, "prompt"));
		final Cancellation never = new Cancellation();
		final Kandinsky22Pipeline.Output result = switch (mode) {
			case "text" -> pipeline.textToImage(prompts, o, noise, progress, never);
			case "variation" -> pipeline.vary(image(dir, string(c, "source")), number(c, "strength", 1.0), o, noise,
				progress, never);
			case "inpaint" -> pipeline.inpaint(prompts, image(dir, string(c, "source")), mask(dir, string(c, "mask"),
				o.width(), o.height()), o, noise, progress, never);
			case "interpolate" -> {
				final List<Object> conditions = new ArrayList<>();
				for (final JsonElement e : c.getAsJsonArray("interpolate")) {
					final JsonObject item = e.getAsJsonObject();
					conditions.add(item.has("prompt") ? item.get("prompt").getAsString() : image(dir, item.get("image")
						.getAsString()));
				}
				final List<Double> weights = new ArrayList<>();
				for (final JsonElement e : c.getAsJsonArray("weights"))
					weights.add(e.getAsDouble());
				yield pipeline.interpolate(conditions, weights, string(c, "interpolate_negative_prompt"), o, noise,
					progress, never);
			}
			default -> throw new UnclipException("Unknown parity mode '" + mode +
				"'; cases are text, variation, interpolate or inpaint.");
		};
		final Map<String, float[]> computed = new LinkedHashMap<>();
		computed.put("image_embeds", result.imageEmbeds());
		computed.put("negative_image_embeds", result.negativeImageEmbeds());
		computed.put("image", result.image());
		return computed;
	}

	/** Karlo cases: text (UnCLIPPipeline) and variation (UnCLIPImageVariationPipeline). */
	private static Map<String, float[]> karlo(final KarloPipeline pipeline, final JsonObject c,
		final JsonObject stages, final String mode, final Path dir, final NoiseSource noise,
		final ProgressListener progress) throws IOException
	{
		final int n = integer(c, "n", 1);
		final JsonObject prior = stages.getAsJsonObject("prior"), decoder = stages.getAsJsonObject("decoder");
		final KarloPipeline.Options o = new KarloPipeline.Options(n, integer(c, "prior_steps", prior.get("steps")
			.getAsInt()), number(c, "prior_guidance", prior.get("guidance").getAsDouble()), integer(c, "steps",
				decoder.get("steps").getAsInt()), number(c, "guidance", decoder.get("guidance").getAsDouble()),
			integer(c, "super_res_steps", stages.getAsJsonObject("super_res").get("steps").getAsInt()), string(c,
				"scheduler"));
		final Cancellation never = new Cancellation();
		final KarloPipeline.Output result = switch (mode) {
			case "text" -> pipeline.textToImage(java.util.Collections.nCopies(n, string(c, "prompt")), o, noise,
				progress, never);
			case "variation" -> {
				final SourceImage source = image(dir, string(c, "source"));
				final double strength = number(c, "strength", 1.0);
				// strength < 1 noises the source tensor itself: the case gives one image at the model's size
				if (strength < 1 && n != 1) throw new UnclipException("A karlo variation case of strength < 1 " +
					"has n = 1.");
				yield pipeline.vary(source, strength < 1 ? source.tensor() : null, strength, o, noise, progress,
					never);
			}
			default -> throw new UnclipException("Unknown karlo parity mode '" + mode + "'; cases are text or " +
				"variation (diffusers has no Karlo inpainting to compare with).");
		};
		final Map<String, float[]> computed = new LinkedHashMap<>();
		computed.put("image_embeds", result.imageEmbeds());
		computed.put("image", result.image());
		return computed;
	}

	private static double maxAbsDiff(final float[] want, final float[] got, final String what) {
		if (want.length != got.length) throw new UnclipException("The engine's " + what + " has " + got.length +
			" values but the case expects " + want.length + ".");
		double max = 0;
		for (int i = 0; i < want.length; i++)
			max = Math.max(max, Math.abs((double) want[i] - got[i]));
		return max;
	}

	/**
	 * When each stage ended, for {@code timing load_s=.. prior_s=.. decoder_s=.. decoder_steps=.. movq_s=..
	 * total_s=..}: load is opening the bundle (networks load lazily, inside the stage that first needs them).
	 */
	private static final class StageClock implements ProgressListener {

		long opened;
		private final Map<String, Long> ends = new LinkedHashMap<>();
		private int decoderSteps;

		@Override
		public void progress(final String stage, final int step, final int total) {
			final String name = stage.startsWith("prior") ? "prior" : stage;
			ends.put(name, System.nanoTime());
			if (name.equals("decoder")) decoderSteps = total;
		}

		String line(final long start, final long end) {
			final StringBuilder sb = new StringBuilder("timing load_s=").append(seconds(opened - start));
			long last = opened;
			for (final String stage : new String[] { "prior", "decoder", "movq", "super_res" }) {
				final Long t = ends.get(stage);
				if (t == null) continue;
				sb.append(' ').append(stage).append("_s=").append(seconds(t - last));
				if (stage.equals("decoder")) sb.append(" decoder_steps=").append(decoderSteps);
				last = t;
			}
			return sb.append(" total_s=").append(seconds(end - start)).toString();
		}

		private static String seconds(final long nanos) {
			return String.format(java.util.Locale.ROOT, "%.3f", nanos / 1e9);
		}
	}

	/** The case's noise by name; a draw of another size than recorded is an error naming both. */
	private static final class CaseNoise implements NoiseSource {

		private final Path dir;
		private final JsonObject entries;
		private final Set<String> unused;

		CaseNoise(final Path dir, final JsonObject entries) {
			this.dir = dir;
			this.entries = entries == null ? new JsonObject() : entries;
			unused = new LinkedHashSet<>(this.entries.keySet());
		}

		@Override
		public float[] draw(final String name, final int batch, final int perImage) {
			if (!entries.has(name)) throw new UnclipException("The engine draws noise '" + name + "' (" + batch +
				" x " + perImage + ") but the case has none by that name (it has " + entries.keySet() + ").");
			unused.remove(name);
			final float[] values;
			try {
				values = readF32(dir, entries.getAsJsonObject(name));
			}
			catch (final IOException e) {
				throw new UnclipException("Cannot read the noise '" + name + "': " + e.getMessage(), e);
			}
			if (values.length != batch * perImage) throw new UnclipException("Noise '" + name + "' has " +
				values.length + " values; the engine draws " + batch + " x " + perImage + ".");
			return values;
		}

		Set<String> unused() {
			return unused;
		}
	}

	static float[] readF32(final Path dir, final JsonObject entry) throws IOException {
		final Path file = dir.resolve(entry.get("file").getAsString());
		final ByteBuffer buffer = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
		final float[] values = new float[buffer.remaining() / 4];
		buffer.asFloatBuffer().get(values);
		if (entry.has("shape")) {
			long size = 1;
			for (final JsonElement d : entry.getAsJsonArray("shape"))
				size *= d.getAsLong();
			if (size != values.length) throw new UnclipException(file + " holds " + values.length +
				" floats but its shape " + entry.get("shape") + " says " + size + ".");
		}
		return values;
	}

	private static byte[] bytes(final float[] values) {
		final ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
		buffer.asFloatBuffer().put(values);
		return buffer.array();
	}

	private static SourceImage image(final Path dir, final String name) throws IOException {
		if (name == null) throw new UnclipException("The case names no source image.");
		final Path file = dir.resolve(name);
		try (InputStream in = Files.newInputStream(file)) {
			final var img = PngIO.read(in);
			return new SourceImage(ArgbImages.pixels(img), (int) img.dimension(0), (int) img.dimension(1));
		}
		catch (final NoSuchFileException e) {
			throw new UnclipException("The case's image " + file + " does not exist.");
		}
	}

	/** The mask as diffusers reads it: PIL's convert("L") of the PNG, / 255 (the engine binarises at 0.5). */
	private static float[] mask(final Path dir, final String name, final int width, final int height)
		throws IOException
	{
		final SourceImage m = image(dir, name);
		if (m.width() != width || m.height() != height) throw new UnclipException("The case's mask is " + m
			.width() + "x" + m.height() + "; parity needs it at the case's size " + width + "x" + height + ".");
		final float[] out = new float[m.argb().length];
		for (int i = 0; i < out.length; i++) {
			final int p = m.argb()[i];
			final int l = (((p >> 16) & 0xff) * 19595 + ((p >> 8) & 0xff) * 38470 + (p & 0xff) * 7471 + 0x8000) >> 16;
			out[i] = l / 255f;
		}
		return out;
	}

	private static JsonObject readJson(final Path file) throws IOException {
		try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
			return JsonParser.parseReader(reader).getAsJsonObject();
		}
		catch (final NoSuchFileException e) {
			throw new UnclipException("No case.json in " + file.getParent() + "; point --case to a parity case " +
				"folder that unclip-tools verify wrote.");
		}
	}

	/** The contract's default "" (like absent or null) means diffusers' negative_prompt=None. */
	private static String negativePrompt(final JsonObject c) {
		final String negative = string(c, "negative_prompt");
		return negative == null || negative.isEmpty() ? null : negative;
	}

	private static String string(final JsonObject c, final String key) {
		return c.has(key) && !c.get(key).isJsonNull() ? c.get(key).getAsString() : null;
	}

	private static int integer(final JsonObject c, final String key, final int otherwise) {
		return c.has(key) && !c.get(key).isJsonNull() ? c.get(key).getAsInt() : otherwise;
	}

	private static double number(final JsonObject c, final String key, final double otherwise) {
		return c.has(key) && !c.get(key).isJsonNull() ? c.get(key).getAsDouble() : otherwise;
	}

}
