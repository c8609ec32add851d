package sc.fiji.unclip.engine.sampling;

import com.google.gson.JsonObject;

import java.util.List;

import sc.fiji.unclip.UnclipException;

/**
 * Builds a {@link Scheduler} from a manifest stage: its name and its diffusers config, read with diffusers'
 * key names and defaults (models/BUNDLE.md, "Sampling algorithm").
 */
public final class Schedulers {

	/** The scheduler names a manifest or a request may use. */
	public static final List<String> NAMES = List.of("ddpm", "ddim", "dpmsolver++", "unclip");

	private Schedulers() {}

	/**
	 * @param name one of {@link #NAMES}
	 * @param diffusersConfig the stage's {@code config}; null or missing keys take diffusers' defaults
	 * @throws UnclipException for an unknown name or a config value the Java schedulers do not support
	 */
	public static Scheduler create(final String name, final JsonObject diffusersConfig) {
		final DiffusersConfig config = new DiffusersConfig(name, diffusersConfig);
		if (name == null) throw unknown(null);
		return switch (name) {
			case "ddpm" -> new DdpmScheduler(config);
			case "ddim" -> new DdimScheduler(config);
			case "dpmsolver++" -> new DpmSolverMultistepScheduler(config);
			case "unclip" -> new UnclipScheduler(config);
			default -> throw unknown(name);
		};
	}

	/**
	 * Installs the scalar {@code sqrt}/{@code log}/{@code exp} every scheduler uses from now on (JVM-wide; null
	 * restores {@link ScalarMath#JAVA}). The engine installs libtorch's, see {@link ScalarMath}.
	 */
	public static void useScalarMath(final ScalarMath math) {
		Float32Math.use(math);
	}

	public static ScalarMath scalarMath() {
		return Float32Math.current();
	}

	private static UnclipException unknown(final String name) {
		return new UnclipException("Unknown scheduler '" + name + "'; use one of " + String.join(", ", NAMES) +
			".");
	}

	static void checkSteps(final String scheduler, final int steps, final int min, final int trainTimesteps) {
		if (steps < min || steps > trainTimesteps) throw new UnclipException("The " + scheduler +
			" scheduler cannot take " + steps + " steps; use between " + min + " and " + trainTimesteps + " steps.");
	}

	/**
	 * A run's timesteps must be distinct, descending and inside the training range; some spacings cannot
	 * give that for large step counts (e.g. "leading" with steps_offset 1 at 1000 steps reaches t = 1000).
	 */
	static void checkTimesteps(final String scheduler, final int steps, final long[] timesteps,
		final int trainTimesteps)
	{
		for (int i = 0; i < timesteps.length; i++)
			if (timesteps[i] < 0 || timesteps[i] >= trainTimesteps || i > 0 && timesteps[i] >= timesteps[i - 1])
				throw new UnclipException("The " + scheduler + " scheduler cannot take " + steps + " steps with " +
					"this model's timestep spacing (timestep " + timesteps[i] + " at step " + (i + 1) +
					"); use fewer steps.");
	}

	static void checkTimestep(final long timestep, final int trainTimesteps) {
		if (timestep < 0 || timestep >= trainTimesteps) throw new IllegalArgumentException("timestep " + timestep +
			" is outside [0, " + trainTimesteps + ")");
	}

	/** Programming errors: arrays of the wrong length, or noise missing where the step draws it. */
	static void checkLengths(final float[] modelOutput, final int expectedOutput, final float[] sample,
		final float[] noise, final boolean needsNoise)
	{
		if (modelOutput.length != expectedOutput) throw new IllegalArgumentException("model output has " +
			modelOutput.length + " values, expected " + expectedOutput);
		if (needsNoise && (noise == null || noise.length != sample.length)) throw new IllegalArgumentException(
			"this step needs noise of the sample's length " + sample.length);
	}
}
