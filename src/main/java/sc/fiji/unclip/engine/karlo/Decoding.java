package sc.fiji.unclip.engine.karlo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.engine.GuidedDenoising;
import sc.fiji.unclip.engine.NoiseSource;
import sc.fiji.unclip.engine.sampling.SamplingRun;
import sc.fiji.unclip.engine.sampling.Scheduler;

/**
 * The stages after the image embedding, as diffusers' {@code UnCLIPPipeline} and
 * {@code UnCLIPImageVariationPipeline} run them: the text projection (the learned unconditional image
 * embedding first), the 64-px decoder guided on its eps channels with the conditional half's learned
 * variance, clamped to [-1, 1], upscaled (bicubic with antialias, inside the traced {@code super_res_upscale})
 * and refined without guidance by {@code super_res_first}, the last step by {@code super_res_last}.
 * Inpainting (the engine's method, not the model's: Karlo has no inpainting decoder) replaces the known
 * region after every decoder and super-resolution step by the source noised to the next timestep with the
 * stage's initial noise, and after the last by the source itself (RePaint without resampling).
 */
final class Decoding {

	/**
	 * The source of an inpainting at the base and output resolutions ([1,3,r,r], [1,3,R,R] in [-1, 1]) and
	 * where it is kept (1 = keep: [1,1,r,r], [1,1,R,R]).
	 */
	record Known(NDArray sourceBase, NDArray keepBase, NDArray source, NDArray keep) {}

	/** The decoder's sample at timestep index {@code index} (variations of strength &lt; 1), or null. */
	record Start(NDArray latents, int index) {}

	private final Karlo model;
	private final int steps, superResSteps;
	private final double guidance;
	private final String scheduler;

	Decoding(final Karlo model, final int steps, final double guidance, final String scheduler,
		final int superResSteps)
	{
		this.model = model;
		this.steps = steps;
		this.guidance = guidance;
		this.scheduler = scheduler;
		this.superResSteps = superResSteps;
	}

	/** The decoder's scheduler run (for a caller that noises its start image to one of its timesteps). */
	Scheduler decoderScheduler() {
		return model.scheduler("decoder", scheduler);
	}

	int steps() {
		return steps;
	}

	/**
	 * @param start null: from the noise {@code decoder.init}
	 * @param known null unless inpainting
	 * @return the image [n,3,R,R] in [0, 1]
	 */
	NDArray run(final NDManager manager, final Karlo.Text text, final NDArray imageEmbeds, final Start start,
		final Known known, final NoiseSource noise, final ProgressListener progress,
		final Cancellation cancellation)
	{
		final int n = text.n(), r = model.base, big = model.output;
		final GuidedDenoising denoising = new GuidedDenoising("decoder", guidance, model.learnedVariance(scheduler));
		cancellation.check();
		final NDList projected = model.components.call(Karlo.TEXT_PROJ, new NDList(imageEmbeds, text.embeds(), text
			.hidden()));
		final NDArray extra = manager.ones(new Shape(2L * n, model.extraTokens)).toType(DataType.BOOLEAN, false);
		NDArray hidden = projected.get(0), classLabels = projected.get(1), mask = extra.concat(text.mask(), 1);
		if (!denoising.guided()) { // the conditional rows of the guided projection
			hidden = hidden.get(n + ":");
			classLabels = classLabels.get(n + ":");
			mask = mask.get(n + ":");
		}
		final NDList conditioning = new NDList(hidden, classLabels, mask);
		final Scheduler decoder = decoderScheduler();
		final SamplingRun run = decoder.start(steps);
		final long[] timesteps = run.timesteps();
		final NDArray init = manager.create(noise.draw("decoder.init", n, 3 * r * r), new Shape(n, 3, r, r)).mul(run
			.initNoiseSigma());
		final NDArray first = start == null ? init : start.latents();
		final NDArray lowRes = denoising.run(run, start == null ? 0 : start.index(), first, withKnown(conditioning,
			known), (x, t, index) -> model.components.call(Karlo.DECODER, new NDList(x, t, conditioning.get(0),
				conditioning.get(1), conditioning.get(2))).head(), known == null ? GuidedDenoising.AfterStep.NONE
					: replaceKnown(decoder, timesteps, known.sourceBase(), known.keepBase(), init), noise, progress,
			cancellation).clip(-1f, 1f);
		cancellation.check();
		final NDArray upscaled = model.components.call(Karlo.SUPER_RES_UPSCALE, new NDList(lowRes)).head();
		final Scheduler superRes = model.scheduler("super_res", null);
		final SamplingRun superRun = superRes.start(superResSteps);
		final long[] superTimesteps = superRun.timesteps();
		final NDArray superInit = manager.create(noise.draw("super_res.init", n, 3 * big * big), new Shape(n, 3, big,
			big)).mul(superRun.initNoiseSigma());
		final int last = superTimesteps.length - 1;
		final NDArray image = new GuidedDenoising("super_res", 1, false).run(superRun, 0, superInit, withKnown(
			new NDList(upscaled), known), (x, t, index) -> model.components.call(index == last
				? Karlo.SUPER_RES_LAST : Karlo.SUPER_RES_FIRST, new NDList(x, t, upscaled)).head(), known == null
					? GuidedDenoising.AfterStep.NONE : replaceKnown(superRes, superTimesteps, known.source(), known
						.keep(), superInit), noise, progress, cancellation);
		return image.mul(0.5f).add(0.5f).clip(0f, 1f);
	}

	private static NDList withKnown(final NDList constants, final Known known) {
		final NDList all = new NDList(constants);
		// not the initial noise: it is also the stage's first sample, which the loop attaches itself
		if (known != null) all.addAll(new NDList(known.sourceBase(), known.keepBase(), known.source(), known.keep()));
		return all;
	}

	/** After step k: keep * (source noised to timestep k + 1, or the source after the last) + (1 - keep) * x. */
	private static GuidedDenoising.AfterStep replaceKnown(final Scheduler scheduler, final long[] timesteps,
		final NDArray source, final NDArray keep, final NDArray initialNoise)
	{
		return (x, index) -> {
			final NDArray target = index + 1 < timesteps.length ? scheduler.addNoise(source, initialNoise,
				timesteps[index + 1]) : source;
			return keep.mul(target).add(keep.neg().add(1f).mul(x));
		};
	}
}
