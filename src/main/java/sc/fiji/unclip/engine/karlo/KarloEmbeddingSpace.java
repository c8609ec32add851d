package sc.fiji.unclip.engine.karlo;

import java.util.Collections;
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
 * Karlo's embedding space for interpolation (DALL-E 2 sec. 3.1): CLIP image embeddings of images (the
 * image-variations encoder) and of prompts (the prior), decoded as the image-variations pipeline decodes them,
 * with empty prompts. Karlo's decoder takes unnormalised CLIP image embeddings, so the path slerps their
 * directions and interpolates their lengths. Text diffs and DDIM inversion are refused: the learned-variance
 * decoder has no inversion here, and a text diff without it would move an unnormalised embedding towards a
 * unit text direction.
 */
final class KarloEmbeddingSpace extends InterpolationOnlySpace {

	private final KarloPipeline pipeline;
	private final Karlo model;
	private final Device device;

	KarloEmbeddingSpace(final KarloPipeline pipeline, final Karlo model, final Device device) {
		super("karlo");
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
			pipeline.workflow(Karlo.IMAGE_ENCODER, Karlo.PRIOR, Karlo.PRIOR_POST);
			try (NDManager manager = NDManager.newBaseManager(device)) {
				return model.imageEmbed(manager, pixels).toFloatArray();
			}
		}
	}

	@Override
	public float[] promptEmbedding(final String prompt, final EmbeddedGenerator.Settings settings,
		final NoiseSource noise, final ProgressListener progress, final Cancellation cancellation)
	{
		cancellation.check();
		synchronized (pipeline) {
			pipeline.workflow(Karlo.IMAGE_ENCODER, Karlo.PRIOR, Karlo.PRIOR_POST);
			final KarloPipeline.Options o = pipeline.options(1, settings.steps(), settings.guidance(), settings
				.scheduler());
			try (NDManager manager = NDManager.newBaseManager(device)) {
				return pipeline.prior(o).run(manager, model.encodeText(manager, List.of(prompt)), noise, progress,
					cancellation).toFloatArray();
			}
		}
	}

	@Override
	public float[] decode(final float[] embeddings, final int n, final float[] start,
		final EmbeddedGenerator.Settings settings, final NoiseSource noise, final ProgressListener progress,
		final Cancellation cancellation)
	{
		if (start != null) throw new IllegalArgumentException("karlo decodes from noise only");
		synchronized (pipeline) {
			pipeline.workflow(Karlo.IMAGE_ENCODER, Karlo.PRIOR, Karlo.PRIOR_POST);
			final KarloPipeline.Options o = pipeline.options(n, settings.steps(), settings.guidance(), settings
				.scheduler());
			try (NDManager manager = NDManager.newBaseManager(device)) {
				final Karlo.Text text = model.encodeText(manager, Collections.nCopies(n, ""));
				return KarloPipeline.signed(pipeline.decoding(o).run(manager, text, manager.create(embeddings,
					new Shape(n, model.embeddingDim)), null, null, noise, progress, cancellation).toFloatArray());
			}
		}
	}
}
