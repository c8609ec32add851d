package sc.fiji.unclip.service;

import sc.fiji.unclip.InpaintRequest;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.VariationRequest;
import sc.fiji.unclip.InterpolationRequest;
import sc.fiji.unclip.TextDiffRequest;

/** What one HTTP request asks the generator to do: one of the {@code Generator} calls. */
sealed interface Work {

	int images();

	long seed();

	/**
	 * Requests with equal keys may run through the network as one batch; null when this kind of work is
	 * always run alone.
	 */
	default Object batchKey() {
		return null;
	}

	/** The size the client asked for (images are resampled to it when the model made another), or null. */
	OutputSize size();

	record TextToImage(TextToImageRequest request, OutputSize size) implements Work {

		@Override
		public int images() {
			return request.n();
		}

		@Override
		public long seed() {
			return request.seed();
		}

		@Override
		public Object batchKey() {
			final SamplingOptions s = request.sampling();
			return new BatchKey("text-to-image", s.steps(), s.guidance(), s.scheduler());
		}
	}

	record Variation(VariationRequest request, OutputSize size) implements Work {

		@Override
		public int images() {
			return request.n();
		}

		@Override
		public long seed() {
			return request.seed();
		}
	}

	record Inpaint(InpaintRequest request, OutputSize size) implements Work {

		@Override
		public int images() {
			return request.n();
		}

		@Override
		public long seed() {
			return request.seed();
		}
	}

	record Interpolation(InterpolationRequest request, OutputSize size) implements Work {

		@Override
		public int images() {
			return request.weights().size();
		}

		@Override
		public long seed() {
			return request.seed();
		}
	}

	record TextDiff(TextDiffRequest request, OutputSize size) implements Work {

		@Override
		public int images() {
			return request.n();
		}

		@Override
		public long seed() {
			return request.seed();
		}
	}

	/** Same mode and same sampling settings: the network can run them side by side. */
	record BatchKey(String mode, Integer steps, Double guidance, String scheduler) {}
}
