package sc.fiji.unclip.engine.karlo;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.google.gson.JsonObject;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.UnclipException;
import sc.fiji.unclip.engine.Bundle;
import sc.fiji.unclip.engine.EmbeddingSpace;
import sc.fiji.unclip.engine.NoiseSource;
import sc.fiji.unclip.engine.Pipeline;
import sc.fiji.unclip.engine.PipelineRequest;
import sc.fiji.unclip.engine.PromptTokenizer;
import sc.fiji.unclip.engine.SourceImage;
import sc.fiji.unclip.engine.Trace;

/**
 * Bundle kind {@code karlo} (Karlo unCLIP exported from diffusers, models/BUNDLE.md): text to image and
 * variations as diffusers' {@code UnCLIPPipeline} and {@code UnCLIPImageVariationPipeline} compute them, and
 * inpainting by the engine's own known-region replacement ({@link Inpainting}), all at the super-resolution
 * size R x R. Each workflow keeps only its networks in memory; runs are serialised.
 */
public final class KarloPipeline implements Pipeline {

	/** A run's settings; the prior's and super-resolution's are the manifest's unless given here. */
	public record Options(int n, int priorSteps, double priorGuidance, int steps, double guidance,
		int superResSteps, String scheduler)
	{}

	/** What a run gives: the image embeddings [n,D] the decoder used and the image [n,3,R,R] in [0, 1]. */
	public record Output(float[] imageEmbeds, float[] image, int n) {}

	private static final List<String> DECODING = List.of(Karlo.TEXT_ENCODER, Karlo.TEXT_PROJ, Karlo.DECODER,
		Karlo.SUPER_RES_UPSCALE, Karlo.SUPER_RES_FIRST, Karlo.SUPER_RES_LAST);

	private final Karlo model;
	private final Device device;

	private KarloPipeline(final Karlo model, final Device device) {
		this.model = model;
		this.device = device;
	}

	/** Reads the manifest; loads no network yet. */
	public static Pipeline load(final Bundle bundle, final Device device) {
		return new KarloPipeline(new Karlo(bundle, device), device);
	}

	@Override
	public int resolution() {
		return model.output;
	}

	@Override
	public PromptTokenizer tokenizer() {
		return model.tokenizer;
	}

	/** The networks in memory now (they load on first use). */
	public Set<String> loadedComponents() {
		return model.components.loaded();
	}

	/** Options with the manifest's prior and super-resolution settings. */
	public Options options(final int n, final int steps, final double guidance, final String scheduler) {
		final JsonObject prior = model.stage("prior");
		return new Options(n, prior.get("steps").getAsInt(), prior.get("guidance").getAsDouble(), steps, guidance,
			model.stage("super_res").get("steps").getAsInt(), scheduler);
	}

	@Override
	public float[] run(final PipelineRequest request, final NoiseSource noise, final ProgressListener progress,
		final Cancellation cancellation, final Trace trace)
	{
		final Options o = options(request.n(), request.steps(), request.guidance(), request.scheduler());
		final Output out = switch (request.mode()) {
			case "text" -> textToImage(request.imagePrompts(), o, noise, progress, cancellation);
			case "variation" -> vary(request.image(), request.source(), request.strength(), o, noise, progress,
				cancellation);
			case "inpaint" -> inpaint(request.imagePrompts(), request.source(), request.mask(), o, noise, progress,
				cancellation);
			default -> throw new UnclipException("The karlo kind has no mode '" + request.mode() + "'.");
		};
		return signed(trace.record("image", out.image()));
	}

	/** Images in [0, 1] (the pipelines' output) as the engine's [-1, 1]. */
	static float[] signed(final float[] image) {
		final float[] signed = new float[image.length];
		for (int i = 0; i < image.length; i++)
			signed[i] = image[i] * 2 - 1;
		return signed;
	}

	/** Interpolation between images and prompts; text diffs and inversion are refused (KarloEmbeddingSpace). */
	@Override
	public EmbeddingSpace embeddingSpace() {
		return new KarloEmbeddingSpace(this, model, device);
	}

	/** UnCLIPPipeline, one prompt per image. */
	public synchronized Output textToImage(final List<String> prompts, final Options o, final NoiseSource noise,
		final ProgressListener progress, final Cancellation cancellation)
	{
		workflow(Karlo.PRIOR, Karlo.PRIOR_POST);
		try (NDManager manager = NDManager.newBaseManager(device)) {
			return output(TextToImage.run(model, manager, prompts, prior(o), decoding(o), noise, progress,
				cancellation), o);
		}
	}

	/**
	 * UnCLIPImageVariationPipeline on the source's pixels (strength 1), or from the source noised to the
	 * strength.
	 *
	 * @param source [n,3,R,R] in [-1, 1], read only when strength &lt; 1
	 */
	public synchronized Output vary(final SourceImage image, final float[] source, final double strength,
		final Options o, final NoiseSource noise, final ProgressListener progress, final Cancellation cancellation)
	{
		if (image == null) throw new IllegalArgumentException("karlo variations need the source pixels");
		workflow(Karlo.IMAGE_ENCODER);
		try (NDManager manager = NDManager.newBaseManager(device)) {
			return output(Variation.run(model, manager, image, source, strength, o.n(), decoding(o), noise, progress,
				cancellation), o);
		}
	}

	/**
	 * The prompt's image embedding decoded around the known region of the source.
	 *
	 * @param source [.,3,R,R] in [-1, 1] (the first image is used)
	 * @param mask [.,1,R,R], 1 = regenerate (the first mask serves the batch)
	 */
	public synchronized Output inpaint(final List<String> prompts, final float[] source, final float[] mask,
		final Options o, final NoiseSource noise, final ProgressListener progress, final Cancellation cancellation)
	{
		workflow(Karlo.PRIOR, Karlo.PRIOR_POST);
		try (NDManager manager = NDManager.newBaseManager(device)) {
			return output(Inpainting.run(model, manager, prompts, source, mask, prior(o), decoding(o), noise,
				progress, cancellation), o);
		}
	}

	Prior prior(final Options o) {
		return new Prior(model, o.priorSteps(), o.priorGuidance());
	}

	Decoding decoding(final Options o) {
		return new Decoding(model, o.steps(), o.guidance(), o.scheduler(), o.superResSteps());
	}

	/** Frees the networks the coming workflow does not use (callers hold this pipeline's lock). */
	void workflow(final String... own) {
		final List<String> keep = new ArrayList<>(DECODING);
		keep.addAll(List.of(own));
		model.components.keepOnly(keep);
	}

	private static Output output(final NDArray[] embedsAndImage, final Options o) {
		return new Output(embedsAndImage[0].toFloatArray(), embedsAndImage[1].toFloatArray(), o.n());
	}

	@Override
	public void close() {
		model.close();
	}
}
