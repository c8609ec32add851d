package sc.fiji.unclip.engine.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * The posterior step DDPM and UnCLIP share, on native tensors in diffusers' operation order: x_0 from the
 * prediction (clipped), the posterior mean {@code x0Coeff x_0 + sampleCoeff x_t}, plus noise of a fixed
 * sigma or, for a learned range, of {@code exp(0.5 (v max_log + (1 - v) min_log))} with v read from the
 * variance channels of the model output (dimension 1).
 */
final class TensorPosterior {

	/** The scalars of one step. */
	record Coefficients(float x0Coeff, float sampleCoeff, float minLog, float maxLog, float fixedSigma,
		float sqrtAlphaProd, float sqrtBetaProd)
	{}

	private TensorPosterior() {}

	static NDArray step(final PredictionType prediction, final Float clipRange, final boolean learnedRange,
		final Coefficients c, final NDArray modelOutput, final NDArray sample, final NDArray noise,
		final boolean addNoise)
	{
		NDArray output = modelOutput, predictedVariance = null;
		if (learnedRange) {
			final NDList parts = modelOutput.split(new long[] { sample.getShape().get(1) }, 1);
			output = parts.get(0);
			predictedVariance = parts.get(1);
		}
		NDArray x0 = prediction.originalSample(sample, output, c.sqrtAlphaProd(), c.sqrtBetaProd());
		if (clipRange != null) x0 = x0.clip(-clipRange, clipRange);
		final NDArray x = x0.mul(c.x0Coeff()).add(sample.mul(c.sampleCoeff()));
		if (!addNoise) return x;
		if (!learnedRange) return x.add(noise.mul(c.fixedSigma()));
		final NDArray frac = predictedVariance.add(1).div(2);
		return x.add(frac.mul(c.maxLog()).add(frac.neg().add(1).mul(c.minLog())).mul(0.5f).exp().mul(noise));
	}
}
