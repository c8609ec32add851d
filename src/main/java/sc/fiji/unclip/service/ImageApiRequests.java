package sc.fiji.unclip.service;

import java.security.SecureRandom;
import java.util.Map;
import java.util.Set;

import net.imglib2.img.array.ArrayImg;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.img.basictypeaccess.array.ByteArray;
import net.imglib2.img.basictypeaccess.array.IntArray;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import sc.fiji.unclip.InpaintRequest;
import sc.fiji.unclip.ModelInfo;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.VariationRequest;
import sc.fiji.unclip.EmbeddingSource;
import sc.fiji.unclip.InterpolationRequest;
import sc.fiji.unclip.TextDiffRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the parameters of the three OpenAI-style image endpoints into {@code Generator} requests, checking
 * each against the service's limits and naming the offending field when one is wrong.
 */
final class ImageApiRequests {

	private static final Set<String> SCHEDULERS = Set.of("ddim", "ddpm", "dpmsolver++", "unclip");
	private static final SecureRandom SEEDS = new SecureRandom();

	private final ServiceConfig config;
	private final ModelInfo model;

	ImageApiRequests(final ServiceConfig config, final ModelInfo model) {
		this.config = config;
		this.model = model;
	}

	Work generation(final RequestFields fields) {
		final OutputSize size = common(fields);
		return new Work.TextToImage(new TextToImageRequest(prompt(fields), n(fields), seed(fields),
			atSize(sampling(fields), size)), size);
	}

	Work variation(final RequestFields fields, final Map<String, byte[]> files) {
		final OutputSize size = common(fields);
		final ArrayImg<ARGBType, IntArray> image = PngImages.decode("image", files.get("image"),
			config.maxPixels());
		final double strength = fields.has("strength") ? fields.number("strength") : 1.0;
		if (!(strength > 0 && strength <= 1)) throw ApiException.badRequest("invalid_value",
			"'strength' must be in (0, 1]; 1 starts from pure noise.");
		return new Work.Variation(new VariationRequest(image, n(fields), seed(fields), strength, atSize(sampling(
			fields), size)), size);
	}

	/**
	 * {@code POST /v1/images/interpolations} (extension): {@code image}, and {@code to_image} (a file) or
	 * {@code to_prompt}; {@code frames} (evenly from 0 to 1) or {@code weights} (comma-separated, each in
	 * [0, 1]); {@code invert}.
	 */
	Work interpolation(final RequestFields fields, final Map<String, byte[]> files) {
		final OutputSize size = common(fields);
		final ArrayImg<ARGBType, IntArray> image = PngImages.decode("image", files.get("image"),
			config.maxPixels());
		final String toPrompt = fields.string("to_prompt");
		if (files.containsKey("to_image") == (toPrompt != null)) throw ApiException.badRequest("invalid_target",
			"Send exactly one target: a 'to_image' file or a 'to_prompt'.");
		final EmbeddingSource to = toPrompt != null ? EmbeddingSource.of(checkedPrompt("to_prompt", toPrompt))
			: EmbeddingSource.of(PngImages.decode("to_image", files.get("to_image"), config.maxPixels()));
		return new Work.Interpolation(new InterpolationRequest(EmbeddingSource.of(image), to, weights(fields),
			seed(fields), Boolean.TRUE.equals(fields.bool("invert")), sampling(fields)), size);
	}

	/**
	 * {@code POST /v1/images/textdiffs} (extension): {@code image}, {@code from_prompt}, {@code to_prompt},
	 * {@code amount} in [0, 0.5], {@code n}, {@code invert}.
	 */
	Work textDiff(final RequestFields fields, final Map<String, byte[]> files) {
		final OutputSize size = common(fields);
		final ArrayImg<ARGBType, IntArray> image = PngImages.decode("image", files.get("image"),
			config.maxPixels());
		final String from = checkedPrompt("from_prompt", fields.string("from_prompt"));
		final String to = checkedPrompt("to_prompt", fields.string("to_prompt"));
		final double amount = fields.has("amount") ? fields.number("amount") : TextDiffRequest.DEFAULT_AMOUNT;
		if (!(amount >= 0 && amount <= TextDiffRequest.MAX_AMOUNT)) throw ApiException.badRequest(
			"invalid_value", "'amount' must be in [0, " + TextDiffRequest.MAX_AMOUNT + "].");
		return new Work.TextDiff(new TextDiffRequest(image, from, to, amount, n(fields), seed(fields), fields.has(
			"invert") ? Boolean.TRUE.equals(fields.bool("invert")) : TextDiffRequest.DEFAULT_INVERT, sampling(fields)),
			size);
	}

	private List<Double> weights(final RequestFields fields) {
		final String list = fields.string("weights");
		if (list != null && fields.has("frames")) throw ApiException.badRequest("invalid_value",
			"Send 'frames' or 'weights', not both.");
		if (list == null) {
			final Long frames = fields.integer("frames");
			final long k = frames == null ? InterpolationRequest.DEFAULT_FRAMES : frames;
			if (k < 2 || k > InterpolationRequest.MAX_FRAMES) throw ApiException.badRequest("invalid_value",
				"'frames' must be between 2 and " + InterpolationRequest.MAX_FRAMES + ".");
			return InterpolationRequest.evenWeights((int) k);
		}
		final List<Double> weights = new ArrayList<>();
		for (final String w : list.split(",")) {
			try {
				weights.add(Double.valueOf(w.strip()));
			}
			catch (final NumberFormatException e) {
				throw ApiException.badRequest("invalid_value", "'weights' must be numbers in [0, 1] separated by " +
					"commas, not '" + w.strip() + "'.");
			}
			if (!(weights.get(weights.size() - 1) >= 0 && weights.get(weights.size() - 1) <= 1)) throw ApiException
				.badRequest("invalid_value", "each of 'weights' must be in [0, 1].");
		}
		if (weights.size() < 2 || weights.size() > InterpolationRequest.MAX_FRAMES) throw ApiException.badRequest(
			"invalid_value", "'weights' must have 2 to " + InterpolationRequest.MAX_FRAMES + " values.");
		return weights;
	}

	Work edit(final RequestFields fields, final Map<String, byte[]> files) {
		final OutputSize size = common(fields);
		final String prompt = prompt(fields);
		final ArrayImg<ARGBType, IntArray> image = PngImages.decode("image", files.get("image"),
			config.maxPixels());
		final ArrayImg<UnsignedByteType, ByteArray> mask;
		if (files.containsKey("mask")) {
			final ArrayImg<ARGBType, IntArray> maskImage = PngImages.decode("mask", files.get("mask"),
				config.maxPixels());
			if (maskImage.dimension(0) != image.dimension(0) || maskImage.dimension(1) != image.dimension(1))
				throw ApiException.badRequest("invalid_mask", "'mask' is " + maskImage.dimension(0) + "x" +
					maskImage.dimension(1) + " pixels but 'image' is " + image.dimension(0) + "x" + image
						.dimension(1) + "; they must be the same size.");
			mask = EditMask.fromMaskImage(maskImage);
		}
		else {
			mask = EditMask.fromTransparency(image);
			if (mask == null) throw ApiException.badRequest("missing_mask",
				"Send a 'mask' (white marks the region to regenerate) or an 'image' whose transparent " +
					"pixels mark it.");
		}
		final double feather = fields.has("feather") ? fields.number("feather") : 0;
		if (!(feather >= 0 && feather <= 64)) throw ApiException.badRequest("invalid_value",
			"'feather' must be between 0 and 64 pixels.");
		return new Work.Inpaint(new InpaintRequest(image, mask, prompt, n(fields), seed(fields), feather,
			sampling(fields)), size);
	}

	/**
	 * How images are answered: {@code url}, {@code b64_json}, or null when the client did not say. OpenAI's
	 * default is {@code url}, but earlier clients of this service read {@code b64_json} without asking: with
	 * no choice both are sent.
	 */
	String format(final RequestFields fields) {
		final String format = fields.string("response_format");
		if (format != null && !format.equals("b64_json") && !format.equals("url")) throw ApiException
			.badRequest("unsupported_response_format", "response_format '" + format +
				"' is not supported; use 'url' or 'b64_json'.");
		return format;
	}

	boolean stream(final RequestFields fields) {
		return Boolean.TRUE.equals(fields.bool("stream"));
	}

	/** Checks what every endpoint takes; returns the size the client wants, or null. */
	private OutputSize common(final RequestFields fields) {
		format(fields);
		final String name = fields.string("model");
		if (name != null && !name.equals(model.name()) && !config.modelAliases().contains(name))
			throw new ApiException(404, "invalid_request_error", "model_not_found", "The model '" + name +
				"' is not served here; this service runs '" + model.name() + "'" + (config.modelAliases()
					.isEmpty() ? "" : " (also called " + String.join(", ", config.modelAliases()) + ")") +
				" (see GET /v1/models).", 0);
		for (final String text : new String[] { "quality", "style", "user" })
			fields.string(text); // type check only: accepted for compatibility, no effect
		return OutputSize.parse(fields.string("size"), config.maxPixels());
	}

	private String prompt(final RequestFields fields) {
		return checkedPrompt("prompt", fields.string("prompt"));
	}

	private String checkedPrompt(final String field, final String prompt) {
		if (prompt == null || prompt.isBlank()) throw ApiException.badRequest("invalid_prompt",
			"'" + field + "' is required and must not be empty.");
		if (prompt.length() > config.maxPromptChars()) throw ApiException.badRequest("invalid_prompt",
			"'" + field + "' has " + prompt.length() + " characters; the limit is " + config.maxPromptChars() +
				".");
		return prompt;
	}

	private int n(final RequestFields fields) {
		final Long n = fields.integer("n");
		if (n == null) return 1;
		if (n < 1 || n > config.maxN()) throw ApiException.badRequest("invalid_n", "'n' must be between 1 " +
			"and " + config.maxN() + "; it was " + n + ".");
		return n.intValue();
	}

	private long seed(final RequestFields fields) {
		final Long seed = fields.integer("seed");
		return seed != null ? seed : SEEDS.nextLong() & Long.MAX_VALUE;
	}

	/**
	 * A model of free size makes the asked size itself when it can (a multiple of its size step, within the
	 * engine's limit); otherwise it makes its default and the response is resampled to the size.
	 */
	private SamplingOptions atSize(final SamplingOptions sampling, final OutputSize size) {
		final int m = model.sizeMultiple();
		if (size == null || m == 0 || size.width() % m != 0 || size.height() % m != 0 || size.width() >
			sc.fiji.unclip.engine.EmbeddedGenerator.MAX_GENERATED_SIDE || size.height() >
				sc.fiji.unclip.engine.EmbeddedGenerator.MAX_GENERATED_SIDE) return sampling;
		return sampling.withSize(size.width(), size.height());
	}

	private SamplingOptions sampling(final RequestFields fields) {
		final Long steps = fields.integer("steps");
		if (steps != null && (steps < 1 || steps > config.maxSteps())) throw ApiException.badRequest(
			"invalid_steps", "'steps' must be between 1 and " + config.maxSteps() + ".");
		final Double guidance = fields.number("guidance");
		if (guidance != null && !(guidance >= 0 && guidance <= 100)) throw ApiException.badRequest(
			"invalid_guidance", "'guidance' must be between 0 and 100 (1 = no guidance).");
		final String scheduler = fields.string("scheduler");
		if (scheduler != null && !SCHEDULERS.contains(scheduler)) throw ApiException.badRequest(
			"invalid_scheduler", "'scheduler' must be one of " + SCHEDULERS + ".");
		return new SamplingOptions(steps == null ? null : steps.intValue(), guidance, scheduler);
	}

}
