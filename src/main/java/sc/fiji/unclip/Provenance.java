package sc.fiji.unclip;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How an image was generated: enough to reproduce it, and to label it as generated so that it is never
 * mistaken for a measurement. Written into PNG text chunks, ImageJ's image info and HTTP responses.
 *
 * @param mode {@code text}, {@code variation}, {@code inpaint}, {@code interpolation} or {@code textdiff}
 * @param prompt the prompt (null for variations)
 * @param seed the request's seed; image i used {@code seed + i}
 * @param n number of images
 * @param steps decoder steps actually used
 * @param guidance decoder guidance actually used
 * @param scheduler decoder scheduler actually used
 * @param strength variation strength (1 for other modes)
 * @param modelName bundle name
 * @param modelKind the bundle's pipeline kind ({@code tiny}, {@code kandinsky22}, {@code karlo}; empty where a
 *          server did not say)
 * @param modelSha256 hash identifying the bundle (sha256 of its manifest)
 * @param engineVersion version of this software
 * @param width width the model generated at (0: not recorded, the model's only size)
 * @param height height the model generated at (0: not recorded)
 * @param controls what the embedding controls used (keys without the {@code unclip.} prefix, e.g.
 *          {@code weights}, {@code amount}, {@code from}, {@code to}), in order; empty for the other modes
 */
public record Provenance(String mode, String prompt, long seed, int n, int steps, double guidance,
	String scheduler, double strength, String modelName, String modelKind, String modelSha256, String engineVersion, int width,
	int height, Map<String, String> controls)
{

	/** The keys of {@code controls} the embedding controls write. */
	public static final List<String> CONTROL_KEYS = List.of("from", "to", "weights", "from_prompt", "to_prompt",
		"amount", "invert");

	public Provenance {
		modelKind = modelKind == null ? "" : modelKind;
		controls = controls == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(
			controls));
	}

	/** Provenance of a mode without embedding controls. */
	public Provenance(final String mode, final String prompt, final long seed, final int n, final int steps,
		final double guidance, final String scheduler, final double strength, final String modelName,
		final String modelKind, final String modelSha256, final String engineVersion, final int width,
		final int height)
	{
		this(mode, prompt, seed, n, steps, guidance, scheduler, strength, modelName, modelKind, modelSha256,
			engineVersion, width, height, Map.of());
	}

	/** Provenance without a generation size (models of one fixed size). */
	public Provenance(final String mode, final String prompt, final long seed, final int n, final int steps,
		final double guidance, final String scheduler, final double strength, final String modelName,
		final String modelKind, final String modelSha256, final String engineVersion)
	{
		this(mode, prompt, seed, n, steps, guidance, scheduler, strength, modelName, modelKind, modelSha256,
			engineVersion, 0, 0);
	}

	/** The seed image {@code i} used: the request's for every frame of an interpolation, else seed + i. */
	public long imageSeed(final int i) {
		return mode.equals("interpolation") ? seed : seed + i;
	}

	/** The interpolation weight of frame {@code i}, or null for other modes. */
	public Double weight(final int i) {
		final String weights = controls.get("weights");
		if (weights == null) return null;
		final String[] each = weights.split(",");
		return i < each.length ? Double.valueOf(each[i]) : null;
	}

	/** Ordered key/value pairs, keys prefixed {@code unclip.}, for text chunks and image info. */
	public Map<String, String> toMap() {
		final Map<String, String> map = new LinkedHashMap<>();
		map.put("unclip.generated", "true");
		map.put("unclip.mode", mode);
		if (prompt != null) map.put("unclip.prompt", prompt);
		map.put("unclip.seed", Long.toString(seed));
		map.put("unclip.n", Integer.toString(n));
		map.put("unclip.steps", Integer.toString(steps));
		map.put("unclip.guidance", Double.toString(guidance));
		map.put("unclip.scheduler", scheduler);
		map.put("unclip.strength", Double.toString(strength));
		controls.forEach((k, v) -> map.put("unclip." + k, v));
		if (width > 0) map.put("unclip.size", width + "x" + height);
		map.put("unclip.model", modelName);
		if (!modelKind.isEmpty()) map.put("unclip.model.kind", modelKind);
		map.put("unclip.model.sha256", modelSha256);
		map.put("unclip.engine", engineVersion);
		return map;
	}

	/** One {@code key: value} line per entry, as shown under Image › Show Info. */
	public String toText() {
		final StringBuilder sb = new StringBuilder();
		toMap().forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
		return sb.toString();
	}
}
