package sc.fiji.unclip.engine.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The tensor step of every scheduler (what pipelines use so latents stay in libtorch) gives what the
 * float[] step gives (which the scheduler fixtures check against diffusers), over whole runs, for the
 * configs of the published Kandinsky 2.2 prior and decoder and for learned variances.
 */
class TensorStepTest {

	private static final String DECODER = "{\"beta_schedule\": \"linear\", \"beta_start\": 0.00085, " +
		"\"beta_end\": 0.012, \"clip_sample\": false, \"num_train_timesteps\": 1000, \"prediction_type\": " +
		"\"epsilon\", \"set_alpha_to_one\": false, \"steps_offset\": 1, \"timestep_spacing\": \"leading\", " +
		"\"variance_type\": \"VARIANCE\"}";
	private static final String PRIOR = "{\"beta_schedule\": \"squaredcos_cap_v2\", \"clip_sample\": true, " +
		"\"clip_sample_range\": 10.0, \"num_train_timesteps\": 1000, \"prediction_type\": \"sample\", " +
		"\"variance_type\": \"VARIANCE\"}";

	@ParameterizedTest
	@CsvSource({ "ddpm,decoder,fixed_small,1", "ddpm,decoder,fixed_small_log,1", "ddpm,decoder,learned_range,2",
		"ddim,decoder,fixed_small,1", "dpmsolver++,decoder,fixed_small,1", "unclip,prior,fixed_small_log,1",
		"unclip,prior,learned_range,2" })
	void tensorStepsEqualFloatSteps(final String name, final String config, final String variance,
		final int outputFactor)
	{
		final JsonObject json = JsonParser.parseString((config.equals("prior") ? PRIOR : DECODER).replace(
			"VARIANCE", variance)).getAsJsonObject();
		final Scheduler scheduler = Schedulers.create(name, json);
		final SamplingRun floats = scheduler.start(7), tensors = scheduler.start(7);
		final Shape shape = new Shape(1, 4, 3, 5);
		final int size = (int) shape.size();
		final SplittableRandom random = new SplittableRandom(11);
		float[] x = gaussian(random, size);
		try (NDManager manager = NDManager.newBaseManager("PyTorch"); tensors) {
			NDArray xt = manager.create(x, shape);
			for (int k = 0; k < 7; k++) {
				final float[] out = gaussian(random, outputFactor * size);
				final float[] noise = floats.needsNoise(k) ? gaussian(random, size) : null;
				x = floats.step(out, k, x, noise);
				xt = tensors.step(manager.create(out, new Shape(1, 4L * outputFactor, 3, 5)), k, xt, noise == null
					? null : manager.create(noise, shape));
				final float[] got = xt.toFloatArray();
				for (int i = 0; i < size; i++)
					assertEquals(x[i], got[i], 1e-6f * Math.max(1, Math.abs(x[i])), name + " step " + k + " value " + i);
			}
			final float[] noisy = scheduler.addNoise(x, x, 501);
			final float[] noisyT = scheduler.addNoise(xt, xt, 501).toFloatArray();
			for (int i = 0; i < size; i++)
				assertEquals(noisy[i], noisyT[i], 1e-6f * Math.max(1, Math.abs(noisy[i])), "add_noise " + i);
		}
	}

	private static float[] gaussian(final SplittableRandom random, final int n) {
		final float[] out = new float[n];
		for (int i = 0; i < n; i++)
			out[i] = (float) (Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random
				.nextDouble()));
		return out;
	}
}
