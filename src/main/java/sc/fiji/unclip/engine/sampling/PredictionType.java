package sc.fiji.unclip.engine.sampling;

import ai.djl.ndarray.NDArray;

/**
 * What the denoising network predicts (diffusers' {@code prediction_type}), and how a scheduler turns that
 * into the predicted clean sample x_0 and the predicted noise epsilon, in diffusers' float32 operation order.
 */
enum PredictionType {

	/** The added noise epsilon (DDPM paper). */
	EPSILON("epsilon"),
	/** The clean sample x_0 itself (unCLIP's prior). */
	SAMPLE("sample"),
	/** The velocity v = sqrt(a) eps - sqrt(1 - a) x_0 (Salimans and Ho, progressive distillation). */
	V_PREDICTION("v_prediction");

	final String configName;

	PredictionType(final String configName) {
		this.configName = configName;
	}

	/**
	 * x_0 from x_t and the model output: "predicted x_0", formula (15) of the DDPM paper, (12) of DDIM.
	 *
	 * @param sqrtAlphaProd sqrt(alpha_bar_t)
	 * @param sqrtBetaProd sqrt(1 - alpha_bar_t)
	 */
	float originalSample(final float sample, final float output, final float sqrtAlphaProd,
		final float sqrtBetaProd)
	{
		switch (this) {
			case EPSILON:
				return (sample - sqrtBetaProd * output) / sqrtAlphaProd;
			case SAMPLE:
				return output;
			default:
				return sqrtAlphaProd * sample - sqrtBetaProd * output;
		}
	}

	/** epsilon from x_t, the model output and the (unclipped) x_0, as DDIM derives it. */
	float epsilon(final float sample, final float output, final float originalSample, final float sqrtAlphaProd,
		final float sqrtBetaProd)
	{
		switch (this) {
			case EPSILON:
				return output;
			case SAMPLE:
				return (sample - sqrtAlphaProd * originalSample) / sqrtBetaProd;
			default:
				return sqrtAlphaProd * output + sqrtBetaProd * sample;
		}
	}

	/** {@link #originalSample} on native tensors, in the same operation order. */
	NDArray originalSample(final NDArray sample, final NDArray output, final float sqrtAlphaProd,
		final float sqrtBetaProd)
	{
		switch (this) {
			case EPSILON:
				return sample.sub(output.mul(sqrtBetaProd)).div(sqrtAlphaProd);
			case SAMPLE:
				return output;
			default:
				return sample.mul(sqrtAlphaProd).sub(output.mul(sqrtBetaProd));
		}
	}

	/** {@link #epsilon} on native tensors, in the same operation order. */
	NDArray epsilon(final NDArray sample, final NDArray output, final NDArray originalSample,
		final float sqrtAlphaProd, final float sqrtBetaProd)
	{
		switch (this) {
			case EPSILON:
				return output;
			case SAMPLE:
				return sample.sub(originalSample.mul(sqrtAlphaProd)).div(sqrtBetaProd);
			default:
				return output.mul(sqrtAlphaProd).add(sample.mul(sqrtBetaProd));
		}
	}
}
