package sc.fiji.unclip.engine.kandinsky22;

import java.util.List;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.UnclipException;
import sc.fiji.unclip.engine.Bundle;
import sc.fiji.unclip.engine.LazyComponents;
import sc.fiji.unclip.engine.PromptTokenizer;
import sc.fiji.unclip.engine.SourceImage;
import sc.fiji.unclip.engine.io.PilBicubic;
import sc.fiji.unclip.engine.sampling.Scheduler;
import sc.fiji.unclip.engine.sampling.Schedulers;

/**
 * A loaded Kandinsky 2.2 bundle (models/BUNDLE.md "Kind kandinsky22"): its manifest's numbers, tokenizer and
 * image processor, its networks (loaded on first use) and the small operations every task shares: text
 * and image embeddings, the zero embedding, MoVQ encoding and decoding.
 */
final class Kandinsky22 implements AutoCloseable {

	static final String TEXT_ENCODER = "text_encoder", PRIOR = "prior", PRIOR_POST = "prior_post",
		IMAGE_ENCODER = "image_encoder", DECODER = "decoder", INPAINT_DECODER = "inpaint_decoder",
		MOVQ_ENCODER = "movq_encoder", MOVQ_DECODER = "movq_decoder";

	final Bundle bundle;
	final LazyComponents components;
	final PromptTokenizer tokenizer;
	final ClipImageProcessor imageProcessor;
	final int embeddingDim, latentChannels, defaultWidth, defaultHeight, sizeMultiple, movqScale;
	private float[] zeroEmbed;

	Kandinsky22(final Bundle bundle, final Device device) {
		this.bundle = bundle;
		final JsonObject m = bundle.manifest();
		try {
			final String dtype = m.has("dtype") ? m.get("dtype").getAsString() : "float32";
			if (!dtype.equals("float32") && !dtype.equals("float16")) throw new UnclipException("The model " +
				bundle.name() + " has dtype '" + dtype + "'; this version runs float32 and float16 bundles.");
			if (dtype.equals("float16") && !device.isGpu()) throw new UnclipException("The model " + bundle.name() +
				" holds float16 networks, which run on a GPU only: start with -Dunclip.device=gpu on a machine " +
				"with a CUDA libtorch, or export a float32 bundle for the CPU (unclip-tools export-kandinsky22 " +
				"--dtype float32).");
			embeddingDim = m.get("embedding_dim").getAsInt();
			latentChannels = m.has("latent_channels") ? m.get("latent_channels").getAsInt() : 4;
			final JsonObject resolution = m.getAsJsonObject("resolution");
			final JsonArray size = resolution.getAsJsonArray("default");
			defaultWidth = size.get(0).getAsInt();
			defaultHeight = size.get(1).getAsInt();
			sizeMultiple = resolution.get("multiple").getAsInt();
			movqScale = m.has("movq_scale_factor") ? m.get("movq_scale_factor").getAsInt() : 8;
			imageProcessor = new ClipImageProcessor(m.getAsJsonObject("image_processor"));
			components = new LazyComponents(bundle, device, dtype.equals("float16") ? DataType.FLOAT16
				: DataType.FLOAT32);
			tokenizer = PromptTokenizer.of(bundle);
		}
		catch (final UnclipException e) {
			throw e;
		}
		catch (final RuntimeException e) {
			throw new UnclipException(bundle.dir().resolve(Bundle.MANIFEST) + " lacks what a kandinsky22 " +
				"bundle needs (" + e + "); export it again (models/README.md).", e);
		}
	}

	/** A stage of the manifest: {@code prior}, {@code decoder} or {@code inpaint_decoder}. */
	JsonObject stage(final String name) {
		final JsonObject stages = bundle.manifest().getAsJsonObject("stages");
		if (!stages.has(name)) throw new UnclipException("The model " + bundle.name() + " has no '" + name +
			"' stage; export the bundle again with it (inpainting needs --inpaint).");
		return stages.getAsJsonObject(name);
	}

	/** The stage's scheduler, or {@code name} (a request's choice) over the stage's config. */
	Scheduler scheduler(final String stage, final String name) {
		final JsonObject s = stage(stage);
		return Schedulers.create(name == null ? s.get("scheduler").getAsString() : name, s.getAsJsonObject(
			"config"));
	}

	/** Whether the stage's scheduler config has a learned variance that diffusers' pipelines keep. */
	boolean learnedVariance(final String stage, final String scheduler) {
		final JsonObject config = stage(stage).getAsJsonObject("config");
		final String variance = config.has("variance_type") && !config.get("variance_type").isJsonNull() ? config
			.get("variance_type").getAsString() : "";
		return (variance.equals("learned") || variance.equals("learned_range")) && (scheduler == null ||
			scheduler.equals("ddpm") || scheduler.equals(stage(stage).get("scheduler").getAsString()));
	}

	/** Text encoder outputs of the texts: text_embeds [B,D], last_hidden_state [B,L,W], mask bool [B,L]. */
	NDList encodeText(final NDManager manager, final List<String> texts) {
		final int context = tokenizer.contextLength(), b = texts.size();
		final PromptTokenizer.Batch batch = tokenizer.encodeBatch(texts);
		final NDArray idArray = manager.create(batch.ids(), new Shape(b, context));
		final NDArray maskArray = manager.create(batch.mask(), new Shape(b, context));
		final NDList out = components.call(TEXT_ENCODER, new NDList(idArray, maskArray));
		return new NDList(out.get(0), out.get(1), maskArray.toType(DataType.BOOLEAN, false));
	}

	/** CLIP image embedding [1,D] of an RGB image. */
	NDArray imageEmbed(final NDManager manager, final int[] argb, final int width, final int height) {
		final float[] pixels = imageProcessor.pixelValues(argb, width, height);
		return components.call(IMAGE_ENCODER, new NDList(manager.create(pixels, new Shape(1, 3, imageProcessor
			.cropHeight(), imageProcessor.cropWidth())))).head();
	}

	/**
	 * diffusers' {@code get_zero_embed}, repeated n times: the image encoder on all-zero pixel values (a
	 * constant of the model, computed once; the image encoder is released afterwards unless kept).
	 */
	NDArray zeroEmbeds(final NDManager manager, final int n) {
		synchronized (this) {
			if (zeroEmbed == null) try (NDManager call = manager.newSubManager()) {
				zeroEmbed = components.call(IMAGE_ENCODER, new NDList(call.zeros(new Shape(1, 3, imageProcessor
					.cropHeight(), imageProcessor.cropWidth())))).head().toFloatArray();
			}
		}
		return manager.create(zeroEmbed, new Shape(1, embeddingDim)).repeat(0, n);
	}

	/** The MoVQ networks of a stage (the inpainting folder may bring its own). */
	String movq(final String name, final boolean inpaint) {
		return inpaint && components.has("inpaint_" + name) ? "inpaint_" + name : name;
	}

	/** movq.encode(image).latents of [B,3,H,W] in [-1,1]. */
	NDArray movqEncode(final NDArray image, final boolean inpaint) {
		return components.call(movq(MOVQ_ENCODER, inpaint), new NDList(image)).head();
	}

	/**
	 * movq.decode(latents, force_not_quantize=True), then {@code x * 0.5 + 0.5} clamped to [0, 1]: the
	 * pipelines' last stage, reported as {@code movq 1/1}.
	 */
	NDArray movqDecode(final NDArray latents, final boolean inpaint, final ProgressListener progress,
		final Cancellation cancellation)
	{
		cancellation.check();
		final NDArray image = components.call(movq(MOVQ_DECODER, inpaint), new NDList(latents)).head().mul(0.5f)
			.add(0.5f).clip(0f, 1f);
		progress.progress("movq", 1, 1);
		return image;
	}

	/** How a pipeline maps an 8-bit value to its input range (each in float32 as its reference does). */
	@FunctionalInterface
	interface ByteScale {

		float of(int value);
	}

	/** The source resized to width x height with Pillow's bicubic, as [1,3,H,W] through {@code scale}. */
	static NDArray pixels(final NDManager manager, final SourceImage source, final int width, final int height,
		final ByteScale scale)
	{
		final int[] argb = PilBicubic.resize(source.argb(), source.width(), source.height(), width, height);
		final int plane = width * height;
		final float[] out = new float[3 * plane];
		for (int p = 0; p < plane; p++)
			for (int c = 0; c < 3; c++)
				out[c * plane + p] = scale.of((argb[p] >> (16 - 8 * c)) & 0xff);
		return manager.create(out, new Shape(1, 3, height, width));
	}

	/**
	 * Latent side of an image side: ceil(px / f^2) * f for the MoVQ scale factor f (8 for the published
	 * models: ceil(px / 64) * 8), diffusers' {@code downscale_height_and_width}.
	 */
	int latentSide(final int pixels) {
		final int f2 = movqScale * movqScale;
		return (pixels + f2 - 1) / f2 * movqScale;
	}

	@Override
	public void close() {
		components.close();
		tokenizer.close();
	}
}
