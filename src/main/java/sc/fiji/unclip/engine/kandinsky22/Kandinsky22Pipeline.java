package sc.fiji.unclip.engine.kandinsky22;

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
 * Bundle kind {@code kandinsky22} (Kandinsky 2.2 exported from diffusers, models/BUNDLE.md): text to image,
 * variations, interpolation and inpainting as diffusers' Kandinsky 2.2 pipelines compute them, at any size
 * that is a multiple of the manifest's {@code resolution.multiple}. Each workflow keeps only its networks in
 * memory (the image encoder for variations and interpolation, the inpainting UNet for inpainting); runs
 * are serialised, since a run may release what another one would use.
 */
public final class Kandinsky22Pipeline implements Pipeline {

	/** A run's settings. The prior's steps and guidance are the manifest's unless given here. */
	public record Options(int n, int width, int height, int priorSteps, double priorGuidance, int steps,
		double guidance, String scheduler, String negativePrompt)
	{}

	/**
	 * What a run gives: the image embeddings and negative embeddings [n,D] the decoder used, and the image
	 * [n,3,height,width] in [0, 1] (before any pixel-space composite).
	 */
	public record Output(float[] imageEmbeds, float[] negativeImageEmbeds, float[] image, int n, int width,
		int height)
	{}

	private final Kandinsky22 model;
	private final Device device;

	private Kandinsky22Pipeline(final Kandinsky22 model, final Device device) {
		this.model = model;
		this.device = device;
	}

	/** Reads the manifest; loads no network yet. */
	public static Pipeline load(final Bundle bundle, final Device device) {
		return new Kandinsky22Pipeline(new Kandinsky22(bundle, device), device);
	}

	@Override
	public int resolution() {
		return model.defaultWidth;
	}

	@Override
	public int sizeMultiple() {
		return model.sizeMultiple;
	}

	@Override
	public int[] defaultSize() {
		return new int[] { model.defaultWidth, model.defaultHeight };
	}

	@Override
	public PromptTokenizer tokenizer() {
		return model.tokenizer;
	}

	/** The networks in memory now (they load on first use). */
	public Set<String> loadedComponents() {
		return model.components.loaded();
	}

	/** Options with the manifest's prior settings and no negative prompt. */
	public Options options(final int n, final int width, final int height, final int steps,
		final double guidance, final String scheduler)
	{
		final JsonObject prior = model.stage("prior");
		return new Options(n, width, height, prior.get("steps").getAsInt(), prior.get("guidance").getAsDouble(),
			steps, guidance, scheduler, null);
	}

	@Override
	public float[] run(final PipelineRequest request, final NoiseSource noise, final ProgressListener progress,
		final Cancellation cancellation, final Trace trace)
	{
		final int[] size = request.width() > 0 ? new int[] { request.width(), request.height() } : defaultSize();
		final Options o = options(request.n(), size[0], size[1], request.steps(), request.guidance(), request
			.scheduler());
		final Output out = switch (request.mode()) {
			case "text" -> textToImage(request.imagePrompts(), o, noise, progress, cancellation);
			case "variation" -> vary(image(request), request.strength(), o, noise, progress, cancellation);
			// one mask serves the batch (every image of an inpainting request has the same)
			case "inpaint" -> inpaint(request.imagePrompts(), image(request), java.util.Arrays.copyOf(request.mask(),
				o.width() * o.height()), o, noise, progress, cancellation);
			default -> throw new UnclipException("The kandinsky22 kind has no mode '" + request.mode() + "'.");
		};
		final float[] image = trace.record("image", out.image());
		final float[] signed = new float[image.length];
		for (int i = 0; i < image.length; i++)
			signed[i] = image[i] * 2 - 1;
		return signed;
	}

	private static SourceImage image(final PipelineRequest request) {
		if (request.image() == null) throw new IllegalArgumentException("kandinsky22 needs the source pixels");
		return request.image();
	}

	/** Interpolation between images and prompts; text diffs and inversion are refused. */
	@Override
	public EmbeddingSpace embeddingSpace() {
		return new Kandinsky22EmbeddingSpace(this, model, device);
	}

	/** KandinskyV22PriorPipeline then KandinskyV22Pipeline, one prompt per image. */
	public synchronized Output textToImage(final List<String> prompts, final Options o, final NoiseSource noise,
		final ProgressListener progress, final Cancellation cancellation)
	{
		checkSize(o);
		workflow(Kandinsky22.TEXT_ENCODER, Kandinsky22.PRIOR, Kandinsky22.PRIOR_POST, Kandinsky22.DECODER,
			Kandinsky22.MOVQ_DECODER);
		try (NDManager manager = NDManager.newBaseManager(device)) {
			final Prior.Embeddings e = prior(o).run(manager, prompts, o.negativePrompt(), "prior", noise, progress,
				cancellation);
			releaseImageEncoder();
			return output(e, new TextToImage(model).run(manager, e, o.width(), o.height(), o.steps(), o.guidance(),
				o.scheduler(), noise, progress, cancellation), o);
		}
	}

	/**
	 * Variations: the source's CLIP image embedding decoded again, from noise (strength 1) or from the
	 * MoVQ-encoded source noised to that strength (KandinskyV22Img2ImgPipeline); negative = zero embedding.
	 */
	public synchronized Output vary(final SourceImage source, final double strength, final Options o,
		final NoiseSource noise, final ProgressListener progress, final Cancellation cancellation)
	{
		checkSize(o);
		if (strength < 1) workflow(Kandinsky22.IMAGE_ENCODER, Kandinsky22.DECODER, Kandinsky22.MOVQ_ENCODER,
			Kandinsky22.MOVQ_DECODER);
		else workflow(Kandinsky22.IMAGE_ENCODER, Kandinsky22.DECODER, Kandinsky22.MOVQ_DECODER);
		try (NDManager manager = NDManager.newBaseManager(device)) {
			cancellation.check();
			final Prior.Embeddings e = new Prior.Embeddings(model.imageEmbed(manager, source.argb(), source.width(),
				source.height()).repeat(0, o.n()), model.zeroEmbeds(manager, o.n()));
			final NDArray image = strength < 1 ? new ImageToImage(model).run(manager, e, source, strength, o.width(),
				o.height(), o.steps(), o.guidance(), o.scheduler(), noise, progress, cancellation) : new TextToImage(
					model).run(manager, e, o.width(), o.height(), o.steps(), o.guidance(), o.scheduler(), noise,
						progress, cancellation);
			return output(e, image, o);
		}
	}

	/**
	 * KandinskyV22PriorPipeline.interpolate of prompts and images with weights, then the decoder.
	 *
	 * @param conditions each a prompt ({@link String}) or a {@link SourceImage}
	 * @param negativePrompt the interpolation's negative prompt ("" as in diffusers: the zero embedding)
	 */
	public synchronized Output interpolate(final List<Object> conditions, final List<Double> weights,
		final String negativePrompt, final Options o, final NoiseSource noise, final ProgressListener progress,
		final Cancellation cancellation)
	{
		checkSize(o);
		workflow(Kandinsky22.TEXT_ENCODER, Kandinsky22.PRIOR, Kandinsky22.PRIOR_POST, Kandinsky22.IMAGE_ENCODER,
			Kandinsky22.DECODER, Kandinsky22.MOVQ_DECODER);
		try (NDManager manager = NDManager.newBaseManager(device)) {
			final Prior.Embeddings e = prior(o).interpolate(manager, new ArrayList<>(conditions), weights, o.n(),
				negativePrompt == null ? "" : negativePrompt, noise, progress, cancellation);
			return output(e, new TextToImage(model).run(manager, e, o.width(), o.height(), o.steps(), o.guidance(),
				o.scheduler(), noise, progress, cancellation), o);
		}
	}

	/**
	 * KandinskyV22PriorPipeline then KandinskyV22InpaintPipeline on a source and mask at the output size
	 * (the source is resized if it is not).
	 *
	 * @param mask [height * width] of the output size, &ge; 0.5 = repaint
	 */
	public synchronized Output inpaint(final List<String> prompts, final SourceImage source, final float[] mask,
		final Options o, final NoiseSource noise, final ProgressListener progress,
		final Cancellation cancellation)
	{
		checkSize(o);
		if (mask.length != o.width() * o.height()) throw new IllegalArgumentException("mask of " + mask.length +
			" values for " + o.width() + "x" + o.height());
		workflow(Kandinsky22.TEXT_ENCODER, Kandinsky22.PRIOR, Kandinsky22.PRIOR_POST, Kandinsky22.INPAINT_DECODER,
			model.movq(Kandinsky22.MOVQ_ENCODER, true), model.movq(Kandinsky22.MOVQ_DECODER, true));
		try (NDManager manager = NDManager.newBaseManager(device)) {
			final Prior.Embeddings e = prior(o).run(manager, prompts, o.negativePrompt(), "prior", noise, progress,
				cancellation);
			releaseImageEncoder();
			return output(e, new Inpainting(model).run(manager, e, source, mask, o.width(), o.height(), o.steps(), o
				.guidance(), o.scheduler(), noise, progress, cancellation), o);
		}
	}

	Prior prior(final Options o) {
		return new Prior(model, o.priorSteps(), o.priorGuidance());
	}

	/** Frees the networks the coming workflow does not use. */
	void workflow(final String... names) {
		model.components.keepOnly(Set.of(names));
	}

	/** The image encoder, loaded only for the zero embedding of a text workflow, goes once that is known. */
	void releaseImageEncoder() {
		model.components.release(Kandinsky22.IMAGE_ENCODER);
	}

	private void checkSize(final Options o) {
		final int m = model.sizeMultiple;
		if (o.width() < m || o.height() < m || o.width() % m != 0 || o.height() % m != 0) throw new UnclipException(
			"The size " + o.width() + "x" + o.height() + " is not possible with " + model.bundle.name() +
				": width and height must be multiples of " + m + " (the model's default is " + model.defaultWidth +
				"x" + model.defaultHeight + ").");
	}

	private static Output output(final Prior.Embeddings e, final NDArray image, final Options o) {
		return new Output(e.image().toFloatArray(), e.negative().toFloatArray(), image.toFloatArray(), o.n(), o
			.width(), o.height());
	}

	@Override
	public void close() {
		model.close();
	}
}
