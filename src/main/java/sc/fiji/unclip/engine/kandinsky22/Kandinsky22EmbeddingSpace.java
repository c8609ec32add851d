package sc.fiji.unclip.engine.kandinsky22;

import java.util.List;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.engine.EmbeddedGenerator;
import sc.fiji.unclip.engine.InterpolationOnlySpace;
import sc.fiji.unclip.engine.NoiseSource;
import sc.fiji.unclip.engine.SourceImage;

/**
 * Kandinsky 2.2's embedding space for the interpolation front ends (CLI {@code interpolate}, Fiji
 * <i>Interpolate...</i>, the service's interpolations): CLIP image embeddings of images (the image encoder)
 * and of prompts (the prior), each frame decoded as the text-to-image decoder does, with the zero embedding
 * as negative. Its embeddings are not unit vectors (the prior's output is de-normalised with clip_mean and
 * clip_std), so the path slerps their directions and interpolates their lengths. Each call keeps only the
 * networks it runs, so that a full-size float32 bundle still fits (the image encoder alone is 7.4 GB). Text
 * diffs and DDIM inversion are refused: the learned-variance DDPM decoder is not inverted here.
 */
final class Kandinsky22EmbeddingSpace extends InterpolationOnlySpace {

	private final Kandinsky22Pipeline pipeline;
	private final Kandinsky22 model;
	private final Device device;

	Kandinsky22EmbeddingSpace(final Kandinsky22Pipeline pipeline, final Kandinsky22 model, final Device device) {
		super("kandinsky22");
		this.pipeline = pipeline;
		this.model = model;
		this.device = device;
	}

	@Override
	public int dimension() {
		return model.embeddingDim;
	}

	@Override
	public float[] imageEmbedding(final float[] source, final SourceImage pixels, final Cancellation cancellation) {
		cancellation.check();
		synchronized (pipeline) {
			pipeline.workflow(Kandinsky22.IMAGE_ENCODER);
			try (NDManager manager = NDManager.newBaseManager(device)) {
				return model.imageEmbed(manager, pixels.argb(), pixels.width(), pixels.height()).toFloatArray();
			}
		}
	}

	@Override
	public float[] promptEmbedding(final String prompt, final EmbeddedGenerator.Settings settings,
		final NoiseSource noise, final ProgressListener progress, final Cancellation cancellation)
	{
		cancellation.check();
		synchronized (pipeline) {
			pipeline.workflow(Kandinsky22.TEXT_ENCODER, Kandinsky22.PRIOR, Kandinsky22.PRIOR_POST);
			try (NDManager manager = NDManager.newBaseManager(device)) {
				return pipeline.prior(options(1, settings)).run(manager, List.of(prompt), null, "prior", noise,
					progress, cancellation).image().toFloatArray();
			}
		}
	}

	@Override
	public float[] decode(final float[] embeddings, final int n, final float[] start,
		final EmbeddedGenerator.Settings settings, final NoiseSource noise, final ProgressListener progress,
		final Cancellation cancellation)
	{
		if (start != null) throw new IllegalArgumentException("kandinsky22 decodes from noise only");
		synchronized (pipeline) {
			final Kandinsky22Pipeline.Options o = options(n, settings);
			pipeline.workflow(Kandinsky22.IMAGE_ENCODER, Kandinsky22.DECODER, Kandinsky22.MOVQ_DECODER);
			try (NDManager manager = NDManager.newBaseManager(device)) {
				final Prior.Embeddings e = new Prior.Embeddings(manager.create(embeddings, new Shape(n,
					model.embeddingDim)), model.zeroEmbeds(manager, n));
				pipeline.releaseImageEncoder();
				final float[] image = new TextToImage(model).run(manager, e, o.width(), o.height(), o.steps(), o
					.guidance(), o.scheduler(), noise, progress, cancellation).toFloatArray();
				for (int i = 0; i < image.length; i++)
					image[i] = image[i] * 2 - 1;
				return image;
			}
		}
	}

	private Kandinsky22Pipeline.Options options(final int n, final EmbeddedGenerator.Settings s) {
		return pipeline.options(n, s.width(), s.height(), s.steps(), s.guidance(), s.scheduler());
	}
}
