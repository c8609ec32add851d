package sc.fiji.unclip.engine.kandinsky22;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.UnclipException;
import sc.fiji.unclip.engine.GuidedDenoising;
import sc.fiji.unclip.engine.NoiseSource;
import sc.fiji.unclip.engine.SourceImage;
import sc.fiji.unclip.engine.sampling.SamplingRun;

/**
 * diffusers' {@code KandinskyV22PriorPipeline}: prompt to CLIP image embedding, and its {@code interpolate}
 * of prompts and images with weights. The unconditional input is the encoded empty (or negative) prompt
 * with its attention mask; the output is post-processed ({@code * clip_std + clip_mean}), not normalised.
 */
final class Prior {

	/** Image embeddings [n,D] and the decoder's negative embeddings [n,D]. */
	record Embeddings(NDArray image, NDArray negative) {

		/** What the decoder UNet is conditioned on: [negative; image] when guided, else the image's. */
		NDArray forDecoder(final boolean guided) {
			return guided ? negative.concat(image, 0) : image;
		}
	}

	private final Kandinsky22 model;
	private final int steps;
	private final double guidance;

	Prior(final Kandinsky22 model, final int steps, final double guidance) {
		this.model = model;
		this.steps = steps;
		this.guidance = guidance;
	}

	/**
	 * {@code __call__} with one prompt per image.
	 *
	 * @param negativePrompt null: no negative prompt (negative embeddings = the zero embedding); else the
	 *          batch is doubled and the negative prompt's own embeddings come back as negative
	 * @param stage noise and progress name ({@code prior}, {@code prior.0}, {@code prior.negative})
	 */
	Embeddings run(final NDManager manager, final List<String> prompts, final String negativePrompt,
		final String stage, final NoiseSource noise, final ProgressListener progress,
		final Cancellation cancellation)
	{
		final int n = prompts.size();
		final List<String> cond = new ArrayList<>(prompts);
		if (negativePrompt != null) cond.addAll(Collections.nCopies(n, negativePrompt));
		final int batch = cond.size();
		final GuidedDenoising denoising = new GuidedDenoising(stage, guidance, false);
		final List<String> texts = new ArrayList<>();
		if (denoising.guided()) texts.addAll(Collections.nCopies(batch, negativePrompt == null ? ""
			: negativePrompt));
		texts.addAll(cond);
		cancellation.check();
		final NDList text = model.encodeText(manager, texts);
		final SamplingRun run = model.scheduler("prior", null).start(steps);
		final int dim = model.embeddingDim;
		final NDArray init = manager.create(noise.draw(stage + ".init", batch, dim), new Shape(batch, dim)).mul(
			run.initNoiseSigma());
		final NDArray latents = denoising.run(run, 0, init, text, (x, t, index) -> model.components.call(
			Kandinsky22.PRIOR, new NDList(x, t, text.get(0), text.get(1), text.get(2))).head(),
			GuidedDenoising.AfterStep.NONE, noise, progress, cancellation);
		final NDArray embeds = model.components.call(Kandinsky22.PRIOR_POST, new NDList(latents)).head();
		if (negativePrompt == null) return new Embeddings(embeds, model.zeroEmbeds(manager, n));
		final NDList halves = embeds.split(2, 0);
		return new Embeddings(halves.get(0), halves.get(1));
	}

	/**
	 * {@code interpolate}: the weighted sum of the conditions' embeddings (a prompt's: a full prior run; an
	 * image's: its CLIP embedding), with the negative embeddings of a prior run on {@code negativePrompt}
	 * ("" gives the zero embedding, as in diffusers).
	 *
	 * @param conditions each a prompt ({@link String}) or a {@link SourceImage}
	 */
	Embeddings interpolate(final NDManager manager, final List<Object> conditions, final List<Double> weights,
		final int n, final String negativePrompt, final NoiseSource noise, final ProgressListener progress,
		final Cancellation cancellation)
	{
		if (conditions.isEmpty() || conditions.size() != weights.size()) throw new UnclipException(
			"Interpolation needs one weight per prompt or image (" + conditions.size() + " conditions, " + weights
				.size() + " weights).");
		final NDList weighted = new NDList();
		int prompt = 0;
		for (int i = 0; i < conditions.size(); i++) {
			final Object c = conditions.get(i);
			final NDArray embed;
			if (c instanceof String text) embed = run(manager, Collections.nCopies(n, text), null, "prior." +
				prompt++, noise, progress, cancellation).image();
			else if (c instanceof SourceImage image) embed = model.imageEmbed(manager, image.argb(), image.width(),
				image.height()).repeat(0, n);
			else throw new IllegalArgumentException("condition " + c);
			weighted.add(embed.mul(weights.get(i).floatValue()));
		}
		final NDArray image = NDArrays.stack(weighted, 0).sum(new int[] { 0 });
		final Embeddings zero = run(manager, Collections.nCopies(n, negativePrompt), null, "prior.negative", noise,
			progress, cancellation);
		return new Embeddings(image, negativePrompt.isEmpty() ? zero.negative() : zero.image());
	}
}
