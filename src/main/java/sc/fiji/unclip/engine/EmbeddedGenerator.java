package sc.fiji.unclip.engine;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import ai.djl.Device;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.ARGBType;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.Generator;
import sc.fiji.unclip.InpaintRequest;
import sc.fiji.unclip.InterpolationRequest;
import sc.fiji.unclip.TextDiffRequest;
import sc.fiji.unclip.ModelInfo;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.Provenance;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.UnclipException;
import sc.fiji.unclip.VariationRequest;
import sc.fiji.unclip.engine.io.ArgbImages;
import sc.fiji.unclip.engine.sampling.Schedulers;

/**
 * The generator that runs a model bundle in this JVM (DJL + libtorch). Validates every request before any
 * network runs, seeds image {@code i} with {@code seed + i} ({@link SeededNoise}), batches the n images
 * through each network call and records provenance. Thread-safe: concurrent calls share the loaded networks.
 */
public final class EmbeddedGenerator implements Generator {

	static {
		Offline.enforce();
		TorchSettings.apply();
	}

	/** Most images per request: each image costs memory in every batched network call. */
	public static final int MAX_IMAGES = 16;
	public static final int MAX_STEPS = 1000;
	public static final int MIN_SIDE = 8;
	public static final int MAX_SIDE = 16384;
	public static final double MAX_GUIDANCE = 100;

	/** System property naming the device: {@code cpu} (default) or {@code gpu}. */
	public static final String DEVICE_PROPERTY = "unclip.device";

	private final Bundle bundle;
	private final Pipeline pipeline;
	private final ModelInfo info;

	private EmbeddedGenerator(final Bundle bundle, final Pipeline pipeline) {
		this.bundle = bundle;
		this.pipeline = pipeline;
		final var defaults = bundle.manifest().getAsJsonObject("defaults");
		info = new ModelInfo(bundle.name(), bundle.kind(), bundle.sha256(), pipeline.resolution(), defaults.get(
			"steps").getAsInt(), defaults.get("guidance").getAsDouble(), defaults.get("scheduler").getAsString(),
			pipeline.sizeMultiple());
	}

	/** Opens a bundle folder (hashes checked, networks loaded). */
	public static EmbeddedGenerator open(final Path bundleDir) {
		Libtorch.startInBackground();
		return open(Bundle.open(bundleDir));
	}

	private static EmbeddedGenerator open(final Bundle bundle) {
		Offline.enforce();
		TorchSettings.apply();
		Libtorch.start();
		final EmbeddedGenerator generator = new EmbeddedGenerator(bundle, PipelineKinds.load(bundle, device()));
		// scheduler scalars rounded by libtorch, as diffusers' are (see TorchScalarMath)
		Schedulers.useScalarMath(TorchScalarMath.INSTANCE);
		return generator;
	}

	/** Opens the default model ({@link DefaultModel}), healing a damaged extracted copy. */
	public static EmbeddedGenerator openDefault() {
		Libtorch.startInBackground();
		return open(DefaultModel.bundle());
	}

	private static Device device() {
		final String wanted = System.getProperty(DEVICE_PROPERTY, "cpu");
		if (wanted.equalsIgnoreCase("cpu")) return Device.cpu();
		if (wanted.equalsIgnoreCase("gpu")) {
			if (Libtorch.start().getGpuCount() > 0) return Device.gpu();
			throw new UnclipException("-D" + DEVICE_PROPERTY + "=gpu was asked for but no GPU is visible to " +
				"libtorch; use cpu, or install a CUDA build of libtorch (README \"No network\").");
		}
		throw new UnclipException("Unknown device '" + wanted + "' in -D" + DEVICE_PROPERTY +
			"; use cpu or gpu.");
	}

	@Override
	public GenerationResult textToImage(final TextToImageRequest request, final ProgressListener progress,
		final Cancellation cancellation)
	{
		return textToImageBatch(List.of(request), progress, cancellation).get(0); // a batch of one
	}

	/** Most images that one cross-request batch sends through the networks at once. */
	public static final int MAX_BATCH_IMAGES = 4 * MAX_IMAGES;

	/**
	 * Several text-to-image requests as one batch through every network: requests with the same steps,
	 * guidance and scheduler (after the model's defaults are applied) run together, up to
	 * {@link #MAX_BATCH_IMAGES} images per pass, each image with its own prompt and its own seed (image i of a
	 * request: the request's seed + i), so every result equals {@link #textToImage} of that request alone
	 * within float rounding of batched kernels (below 1e-4 before quantisation; tested). Every request is
	 * validated before anything runs. Results come in request order.
	 */
	@Override
	public List<GenerationResult> textToImageBatch(final List<TextToImageRequest> requests,
		final ProgressListener progress, final Cancellation cancellation)
	{
		if (requests == null || requests.isEmpty()) return List.of();
		final int count = requests.size();
		final List<List<String>> warnings = new ArrayList<>();
		final Settings[] settings = new Settings[count];
		for (int r = 0; r < count; r++) {
			final TextToImageRequest request = requests.get(r);
			if (request == null) throw new UnclipException("Request " + (r + 1) + " of the batch is missing.");
			final List<String> w = new ArrayList<>();
			checkPrompt(request.prompt(), w);
			warnings.add(w);
			settings[r] = settings(request.n(), request.sampling());
		}
		final GenerationResult[] results = new GenerationResult[count];
		final boolean[] done = new boolean[count];
		for (int first = 0; first < count; first++) {
			if (done[first]) continue;
			// the requests sharing this one's settings, in order, in passes of at most MAX_BATCH_IMAGES
			final List<Integer> pass = new ArrayList<>();
			int images = 0;
			for (int r = first; r < count; r++) {
				if (done[r] || !settings[r].equals(settings[first])) continue;
				final int n = requests.get(r).n();
				if (images + n > MAX_BATCH_IMAGES) continue;
				pass.add(r);
				done[r] = true;
				images += n;
			}
			final List<String> prompts = new ArrayList<>();
			final long[] seeds = new long[images];
			int k = 0;
			for (final int r : pass) {
				final TextToImageRequest request = requests.get(r);
				for (int i = 0; i < request.n(); i++) {
					prompts.add(request.prompt());
					seeds[k++] = request.seed() + i;
				}
			}
			final Settings s = settings[first];
			final float[] image = pipeline.run(new PipelineRequest("text", prompts.get(0), images, s.steps,
				s.guidance, s.scheduler, 1.0, null, null, prompts, s.width, s.height, null), new SeededNoise(seeds),
				listener(progress), orNone(cancellation), Trace.NONE);
			final int per = 3 * s.width * s.height;
			int offset = 0;
			for (final int r : pass) {
				final TextToImageRequest request = requests.get(r);
				final float[] mine = java.util.Arrays.copyOfRange(image, offset * per, (offset + request.n()) * per);
				offset += request.n();
				results[r] = result(mine, request.n(), s, new Provenance("text", request.prompt(), request.seed(),
					request.n(), s.steps, s.guidance, s.scheduler, 1.0, info.name(), info.kind(), info.sha256(), engineVersion(),
					recordedWidth(s), recordedHeight(s)), warnings.get(r));
			}
		}
		return List.of(results);
	}

	@Override
	public GenerationResult vary(final VariationRequest request, final ProgressListener progress,
		final Cancellation cancellation)
	{
		final Settings s = settings(request.n(), request.sampling());
		checkImage(request.image(), "image");
		final double strength = request.strength();
		if (!(strength > 0 && strength <= 1)) throw new UnclipException("Strength " + strength +
			" is outside (0, 1]; use 1 for a fresh variation, lower (e.g. 0.5) to stay close to the image.");
		if ((int) (s.steps * (1.0 - strength)) >= s.steps) throw new UnclipException("Strength " + strength +
			" leaves none of the " + s.steps + " steps to run; raise the strength or the steps.");
		final int[] original = ArgbImages.pixels(request.image());
		final int w = (int) request.image().dimension(0), h = (int) request.image().dimension(1);
		final BufferedImage awt = ArgbImages.toAwt(original, w, h);
		final float[] one = ImageTensors.toTensor(ImageTensors.resized(awt, s.width, s.height));
		final float[] image = pipeline.run(new PipelineRequest("variation", null, request.n(), s.steps,
			s.guidance, s.scheduler, strength, repeated(one, request.n()), null, null, s.width, s.height,
			new SourceImage(original, w, h)), new SeededNoise(request.seed(), request.n()), listener(progress),
			orNone(cancellation), Trace.NONE);
		// the size asked for, else the source's
		final boolean sized = request.sampling() != null && request.sampling().width() != null;
		final List<Img<ARGBType>> images = new ArrayList<>();
		for (int i = 0; i < request.n(); i++) {
			final Img<ARGBType> out = ImageTensors.toImage(image, i, s.width, s.height);
			images.add(sized || w == s.width && h == s.height ? out : ArgbImages.fromAwt(ImageTensors.resized(
				ArgbImages.toAwt(out), w, h)));
		}
		return new GenerationResult(images, new Provenance("variation", null, request.seed(), request.n(),
			s.steps, s.guidance, s.scheduler, strength, info.name(), info.kind(), info.sha256(), engineVersion(), recordedWidth(
				s), recordedHeight(s)), List.of());
	}

	@Override
	public GenerationResult inpaint(final InpaintRequest request, final ProgressListener progress,
		final Cancellation cancellation)
	{
		final List<String> warnings = new ArrayList<>();
		checkPrompt(request.prompt(), warnings);
		final Settings s = settings(request.n(), request.sampling());
		checkImage(request.image(), "image");
		if (request.mask() == null) throw new UnclipException("Inpainting needs a mask; select a region.");
		if (!(request.feather() >= 0) || request.feather() > MAX_SIDE) throw new UnclipException("Feather " +
			request.feather() + " must be 0 or more pixels.");
		final InpaintRegion region = InpaintRegion.of(request.mask(), request.image().dimension(0), request
			.image().dimension(1));
		final int[] original = ArgbImages.pixels(request.image());
		final BufferedImage source = ArgbImages.toAwt(original, region.width, region.height);
		final BufferedImage cropped = region.crop(source);
		final float[] crop = ImageTensors.toTensor(ImageTensors.resized(cropped, s.width, s.height));
		final float[] image = pipeline.run(new PipelineRequest("inpaint", request.prompt(), request.n(), s.steps,
			s.guidance, s.scheduler, 1.0, repeated(crop, request.n()), repeated(region.maskAt(s.width, s.height),
				request.n()), null, s.width, s.height, new SourceImage(ArgbImages.pixels(ArgbImages.fromAwt(cropped)),
					region.side, region.side)), new SeededNoise(request.seed(), request.n()), listener(progress),
			orNone(cancellation), Trace.NONE);
		final List<Img<ARGBType>> images = new ArrayList<>();
		for (int i = 0; i < request.n(); i++) {
			final BufferedImage generated = ImageTensors.resized(ArgbImages.toAwt(ImageTensors.toImage(image, i,
				s.width, s.height)), region.side, region.side);
			images.add(ArrayImgs.argbs(region.composite(original, generated, request.feather()), region.width,
				region.height));
		}
		return new GenerationResult(images, new Provenance("inpaint", request.prompt(), request.seed(), request
			.n(), s.steps, s.guidance, s.scheduler, 1.0, info.name(), info.kind(), info.sha256(), engineVersion(), recordedWidth(
				s), recordedHeight(s)), warnings);
	}

	@Override
	public GenerationResult interpolate(final InterpolationRequest request, final ProgressListener progress,
		final Cancellation cancellation)
	{
		final List<Double> weights = request.weights();
		if (weights == null || weights.size() < 2 || weights.size() > InterpolationRequest.MAX_FRAMES)
			throw new UnclipException("An interpolation has 2 to " + InterpolationRequest.MAX_FRAMES +
				" frames, not " + (weights == null ? 0 : weights.size()) + ".");
		for (final Double w : weights)
			if (w == null || !(w >= 0 && w <= 1)) throw new UnclipException("Interpolation weight " + w +
				" is outside [0, 1]; 0 is the first image, 1 the target.");
		if (request.from() == null || request.to() == null) throw new UnclipException("An interpolation needs " +
			"a start and a target (an image or a prompt each).");
		if (request.invert() && request.from().image() == null) throw new UnclipException("Keeping the layout " +
			"(inversion) needs an image to start from, not a prompt.");
		final Settings s = settings(weights.size(), request.sampling());
		final List<String> warnings = new ArrayList<>();
		final EmbeddingControls.End from = end(request.from(), "image", s, warnings);
		final EmbeddingControls.End to = end(request.to(), "target image", s, warnings);
		final float[] frames = new EmbeddingControls(pipeline.embeddingSpace()).interpolate(from, to, weights,
			request.seed(), request.invert(), s, listener(progress), orNone(cancellation));
		final var controls = new java.util.LinkedHashMap<String, String>();
		controls.put("from", request.from().describe());
		controls.put("to", request.to().describe());
		controls.put("weights", String.join(",", weights.stream().map(w -> Double.toString(w)).toList()));
		controls.put("invert", Boolean.toString(request.invert()));
		return new GenerationResult(sized(frames, weights.size(), s, request.from().image()), new Provenance(
			"interpolation", request.to().prompt(), request.seed(), weights.size(), s.steps, s.guidance, s.scheduler,
			1.0, info.name(), info.kind(), info.sha256(), engineVersion(), recordedWidth(s), recordedHeight(s), controls),
			warnings);
	}

	@Override
	public GenerationResult textDiff(final TextDiffRequest request, final ProgressListener progress,
		final Cancellation cancellation)
	{
		final Settings s = settings(request.n(), request.sampling());
		final double amount = request.amount();
		if (!(amount >= 0 && amount <= TextDiffRequest.MAX_AMOUNT)) throw new UnclipException("Amount " + amount +
			" is outside [0, " + TextDiffRequest.MAX_AMOUNT + "]; 0 keeps the image's content, 0.5 moves " +
			"furthest towards the new description.");
		final List<String> warnings = new ArrayList<>();
		for (final String prompt : new String[] { request.fromPrompt(), request.toPrompt() }) {
			if (prompt == null || prompt.isBlank()) throw new UnclipException("Editing by description needs " +
				"both prompts: what the image shows now and what it should show.");
			checkPrompt(prompt, warnings);
		}
		final EmbeddingControls.End image = end(sc.fiji.unclip.EmbeddingSource.of(request.image()), "image", s,
			warnings);
		final float[] out = new EmbeddingControls(pipeline.embeddingSpace()).textDiff(image, request.fromPrompt(),
			request.toPrompt(), amount, request.n(), request.seed(), request.invert(), s, listener(progress), orNone(
				cancellation));
		final var controls = new java.util.LinkedHashMap<String, String>();
		controls.put("from_prompt", request.fromPrompt());
		controls.put("to_prompt", request.toPrompt());
		controls.put("amount", Double.toString(amount));
		controls.put("invert", Boolean.toString(request.invert()));
		return new GenerationResult(sized(out, request.n(), s, request.image()), new Provenance("textdiff",
			request.toPrompt(), request.seed(), request.n(), s.steps, s.guidance, s.scheduler, 1.0, info.name(),
			info.kind(), info.sha256(), engineVersion(), recordedWidth(s), recordedHeight(s), controls), warnings);
	}

	/** An end of an interpolation, validated, at the model's size. */
	private EmbeddingControls.End end(final sc.fiji.unclip.EmbeddingSource source, final String what,
		final Settings s, final List<String> warnings)
	{
		if (source.prompt() != null) {
			if (source.prompt().isBlank()) throw new UnclipException("The " + what.replace("image", "prompt") +
				" is empty; say what to draw.");
			checkPrompt(source.prompt(), warnings);
			return new EmbeddingControls.End(null, null, source.prompt());
		}
		checkImage(source.image(), what);
		final int[] pixels = ArgbImages.pixels(source.image());
		final int w = (int) source.image().dimension(0), h = (int) source.image().dimension(1);
		return new EmbeddingControls.End(ImageTensors.toTensor(ImageTensors.resized(ArgbImages.toAwt(pixels, w,
			h), s.width, s.height)), new SourceImage(pixels, w, h), null);
	}

	/** The images at the source's size (as variations), or the model's without a source image. */
	private static List<Img<ARGBType>> sized(final float[] image, final int n, final Settings s,
		final RandomAccessibleInterval<ARGBType> source)
	{
		final List<Img<ARGBType>> images = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			final Img<ARGBType> out = ImageTensors.toImage(image, i, s.width, s.height);
			final boolean resize = source != null && (source.dimension(0) != s.width || source.dimension(1) !=
				s.height);
			images.add(resize ? ArgbImages.fromAwt(ImageTensors.resized(ArgbImages.toAwt(out), (int) source
				.dimension(0), (int) source.dimension(1))) : out);
		}
		return images;
	}

	@Override
	public ModelInfo model() {
		return info;
	}

	/** The bundle this generator runs. */
	public Bundle bundle() {
		return bundle;
	}

	/** The pipeline, for parity tests that inject noise and record intermediates. */
	public Pipeline pipeline() {
		return pipeline;
	}

	@Override
	public void close() {
		pipeline.close();
	}

	public static String engineVersion() {
		final String v = EmbeddedGenerator.class.getPackage().getImplementationVersion();
		return "unclip-fiji " + (v == null ? "dev" : v) + " (DJL PyTorch)";
	}

	/** The user's steps, guidance, scheduler and size or the model's defaults, validated. */
	public record Settings(int steps, double guidance, String scheduler, int width, int height) {}

	/** Largest side a model of free size is asked to make. */
	public static final int MAX_GENERATED_SIDE = 2048;

	public Settings settings(final int n, final SamplingOptions options) {
		if (n < 1 || n > MAX_IMAGES) throw new UnclipException("Cannot make " + n + " images in one request; " +
			"ask for 1 to " + MAX_IMAGES + ".");
		final SamplingOptions o = options == null ? SamplingOptions.DEFAULTS : options;
		final int steps = o.steps() == null ? info.defaultSteps() : o.steps();
		if (steps < 1 || steps > MAX_STEPS) throw new UnclipException(steps + " steps is out of range; use 1 to " +
			MAX_STEPS + " (the model's default is " + info.defaultSteps() + ").");
		final double guidance = o.guidance() == null ? info.defaultGuidance() : o.guidance();
		if (!(guidance >= 0 && guidance <= MAX_GUIDANCE)) throw new UnclipException("Guidance " + guidance +
			" is not a number from 0 to " + MAX_GUIDANCE + "; 1 turns guidance off, the default is " + info
				.defaultGuidance() + ".");
		final String scheduler = o.scheduler() == null ? info.defaultScheduler() : o.scheduler().trim()
			.toLowerCase();
		if (!Schedulers.NAMES.contains(scheduler)) throw new UnclipException("Unknown scheduler '" + o
			.scheduler() + "'; use one of " + String.join(", ", Schedulers.NAMES) + ".");
		final int[] size = size(o);
		return new Settings(steps, guidance, scheduler, size[0], size[1]);
	}

	/** The requested size, or the model's default; fixed-size models refuse any other. */
	private int[] size(final SamplingOptions o) {
		final int[] defaults = pipeline.defaultSize();
		if (o.width() == null && o.height() == null) return defaults;
		if (o.width() == null || o.height() == null) throw new UnclipException("Give both width and height " +
			"(e.g. 768x512), or neither for the model's default " + defaults[0] + "x" + defaults[1] + ".");
		final int w = o.width(), h = o.height(), m = pipeline.sizeMultiple();
		if (m == 0) {
			if (w == defaults[0] && h == defaults[1]) return defaults;
			throw new UnclipException("The model " + info.name() + " (kind " + info.kind() + ") makes only " +
				defaults[0] + "x" + defaults[1] + " images, not " + w + "x" + h + "; leave the size out.");
		}
		if (w < m || h < m || w % m != 0 || h % m != 0 || w > MAX_GENERATED_SIDE || h > MAX_GENERATED_SIDE)
			throw new UnclipException("The size " + w + "x" + h + " is not possible with " + info.name() +
				": width and height must be multiples of " + m + " from " + m + " to " + MAX_GENERATED_SIDE +
				" (the model's default is " + defaults[0] + "x" + defaults[1] + ").");
		return new int[] { w, h };
	}

	/** Provenance records the size for models of free size only. */
	private int recordedWidth(final Settings s) {
		return pipeline.sizeMultiple() > 0 ? s.width : 0;
	}

	private int recordedHeight(final Settings s) {
		return pipeline.sizeMultiple() > 0 ? s.height : 0;
	}

	private void checkPrompt(final String prompt, final List<String> warnings) {
		final PromptTokenizer.Tokens tokens = pipeline.tokenizer().encode(prompt);
		if (tokens.truncated()) warnings.add("The prompt is " + tokens.length() + " tokens long; only the first " +
			(pipeline.tokenizer().contextLength() - 2) + " are used. Shorten it to control the whole image.");
	}

	private static void checkImage(final RandomAccessibleInterval<ARGBType> image, final String what) {
		if (image == null) throw new UnclipException("No " + what + " given; open an image first.");
		if (image.numDimensions() != 2) throw new UnclipException("The " + what + " has " + image
			.numDimensions() + " dimensions; use a single 2D RGB plane.");
		for (int d = 0; d < 2; d++)
			if (image.dimension(d) < MIN_SIDE || image.dimension(d) > MAX_SIDE) throw new UnclipException("The " +
				what + " is " + image.dimension(0) + "x" + image.dimension(1) + " pixels; each side must be " +
				MIN_SIDE + " to " + MAX_SIDE + " pixels.");
	}

	private static float[] repeated(final float[] one, final int n) {
		final float[] out = new float[one.length * n];
		for (int i = 0; i < n; i++)
			System.arraycopy(one, 0, out, i * one.length, one.length);
		return out;
	}

	private static GenerationResult result(final float[] image, final int n, final Settings s,
		final Provenance provenance, final List<String> warnings)
	{
		final List<Img<ARGBType>> images = new ArrayList<>();
		for (int i = 0; i < n; i++)
			images.add(ImageTensors.toImage(image, i, s.width, s.height));
		return new GenerationResult(images, provenance, List.copyOf(warnings));
	}

	private static ProgressListener listener(final ProgressListener progress) {
		return progress == null ? ProgressListener.NONE : progress;
	}

	private static Cancellation orNone(final Cancellation cancellation) {
		return cancellation == null ? new Cancellation() : cancellation;
	}
}
