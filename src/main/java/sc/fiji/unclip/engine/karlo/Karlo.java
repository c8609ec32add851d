package sc.fiji.unclip.engine.karlo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.google.gson.JsonObject;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import sc.fiji.unclip.UnclipException;
import sc.fiji.unclip.engine.Bundle;
import sc.fiji.unclip.engine.LazyComponents;
import sc.fiji.unclip.engine.PromptTokenizer;
import sc.fiji.unclip.engine.SourceImage;
import sc.fiji.unclip.engine.kandinsky22.ClipImageProcessor;
import sc.fiji.unclip.engine.sampling.Scheduler;
import sc.fiji.unclip.engine.sampling.Schedulers;

/**
 * A loaded Karlo bundle (models/BUNDLE.md "Kind karlo"): the manifest's numbers, the tokenizer, the CLIP
 * image processor (bundles exported with the image-variations folder), the networks (loaded on first use)
 * and the encodings every task shares.
 */
final class Karlo implements AutoCloseable {

	static final String TEXT_ENCODER = "text_encoder", PRIOR = "prior", PRIOR_POST = "prior_post",
		TEXT_PROJ = "text_proj", DECODER = "decoder", SUPER_RES_UPSCALE = "super_res_upscale",
		SUPER_RES_FIRST = "super_res_first", SUPER_RES_LAST = "super_res_last", IMAGE_ENCODER = "image_encoder";

	/**
	 * The text side of a batch of B images as the pipelines pass it on: rows [uncond ("" prompts); cond],
	 * 2B: CLIP text embeddings [2B,D], hidden states [2B,77,W], attention mask bool [2B,77].
	 */
	record Text(NDArray embeds, NDArray hidden, NDArray mask, int n) {

		/** The conditional half only (a stage that runs without guidance). */
		NDList conditional() {
			return new NDList(embeds.get(n + ":"), hidden.get(n + ":"), mask.get(n + ":"));
		}

		NDList both() {
			return new NDList(embeds, hidden, mask);
		}
	}

	final Bundle bundle;
	final LazyComponents components;
	final PromptTokenizer tokenizer;
	final ClipImageProcessor imageProcessor;
	final int embeddingDim, base, output, extraTokens;

	Karlo(final Bundle bundle, final Device device) {
		this.bundle = bundle;
		final JsonObject m = bundle.manifest();
		try {
			final String dtype = m.has("dtype") ? m.get("dtype").getAsString() : "float32";
			if (dtype.equals("float16") && !device.isGpu()) throw new UnclipException("The model " + bundle.name() +
				" holds float16 networks, which run on a GPU only: start with -Dunclip.device=gpu, or export a " +
				"float32 bundle for the CPU (unclip-tools export-karlo --dtype float32).");
			embeddingDim = m.get("embedding_dim").getAsInt();
			base = m.getAsJsonObject("resolution").get("base").getAsInt();
			output = m.getAsJsonObject("resolution").get("output").getAsInt();
			extraTokens = m.get("clip_extra_context_tokens").getAsInt();
			imageProcessor = m.has("image_processor") ? new ClipImageProcessor(m.getAsJsonObject("image_processor"))
				: null;
			components = new LazyComponents(bundle, device, dtype.equals("float16") ? DataType.FLOAT16
				: DataType.FLOAT32);
			tokenizer = PromptTokenizer.of(bundle);
		}
		catch (final UnclipException e) {
			throw e;
		}
		catch (final RuntimeException e) {
			throw new UnclipException(bundle.dir().resolve(Bundle.MANIFEST) + " lacks what a karlo bundle needs (" +
				e + "); export it again (models/README.md).", e);
		}
	}

	/** A stage of the manifest: {@code prior}, {@code decoder} or {@code super_res}. */
	JsonObject stage(final String name) {
		return bundle.manifest().getAsJsonObject("stages").getAsJsonObject(name);
	}

	/** The stage's scheduler, or {@code name} (a request's choice, decoder only) over the stage's config. */
	Scheduler scheduler(final String stage, final String name) {
		final JsonObject s = stage(stage);
		return Schedulers.create(name == null ? s.get("scheduler").getAsString() : name, s.getAsJsonObject(
			"config"));
	}

	/** Whether the decoder's scheduler reads the learned variance channels (its own UnCLIP one does). */
	boolean learnedVariance(final String scheduler) {
		final JsonObject config = stage("decoder").getAsJsonObject("config");
		return config.has("variance_type") && config.get("variance_type").getAsString().startsWith("learned") &&
			(scheduler == null || scheduler.equals("unclip") || scheduler.equals("ddpm"));
	}

	/** The CLIP text encoder on [""] * n followed by the prompts (the pipelines' unconditional rows first). */
	Text encodeText(final NDManager manager, final List<String> prompts) {
		final int n = prompts.size(), context = tokenizer.contextLength();
		final List<String> texts = new ArrayList<>(Collections.nCopies(n, ""));
		texts.addAll(prompts);
		final PromptTokenizer.Batch batch = tokenizer.encodeBatch(texts);
		final NDArray ids = manager.create(batch.ids(), new Shape(2L * n, context));
		final NDArray mask = manager.create(batch.mask(), new Shape(2L * n, context));
		final NDList out = components.call(TEXT_ENCODER, new NDList(ids, mask));
		return new Text(out.get(0), out.get(1), mask.toType(DataType.BOOLEAN, false), n);
	}

	/** The image encoder's {@code image_embeds} [1,D] of an RGB image, after CLIP's processor. */
	NDArray imageEmbed(final NDManager manager, final SourceImage image) {
		if (imageProcessor == null) throw new UnclipException("The model " + bundle.name() + " has no image " +
			"encoder, which variations need; export it again with --variations (the image-variations folder).");
		final float[] pixels = imageProcessor.pixelValues(image.argb(), image.width(), image.height());
		return components.call(IMAGE_ENCODER, new NDList(manager.create(pixels, new Shape(1, 3, imageProcessor
			.cropHeight(), imageProcessor.cropWidth())))).head();
	}

	@Override
	public void close() {
		components.close();
		tokenizer.close();
	}
}
