package sc.fiji.unclip.engine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.google.gson.JsonObject;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.UnclipException;
import sc.fiji.unclip.engine.sampling.DdimInversion;
import sc.fiji.unclip.engine.sampling.SamplingRun;
import sc.fiji.unclip.engine.sampling.Scheduler;
import sc.fiji.unclip.engine.sampling.Schedulers;

/**
 * Bundle kind {@code tiny}: text encoder, prior, decoder, upsampler (and an image encoder for variations),
 * run exactly as models/BUNDLE.md "Sampling algorithm (reference)" says, so the results match the Python
 * reference within float rounding. Per denoising step one sample goes into native memory and one guided
 * prediction comes back for the scheduler's float32 step (see {@link #denoise}); every native tensor of a
 * call or step lives in a manager closed right after it.
 */
final class TinyPipeline implements Pipeline {

	private final Bundle bundle;
	private final Device device;
	private final PromptTokenizer tokenizer;
	private final TorchComponent textEncoder, imageEncoder, prior, decoder, upsampler;
	private final int dim, base, output, textWidth, context;
	private final java.util.Map<String, Scheduler> schedulers = new java.util.concurrent.ConcurrentHashMap<>();

	private TinyPipeline(final Bundle bundle, final Device device, final PromptTokenizer tokenizer,
		final List<TorchComponent> components)
	{
		this.bundle = bundle;
		this.device = device;
		this.tokenizer = tokenizer;
		textEncoder = components.get(0);
		imageEncoder = components.get(1);
		prior = components.get(2);
		decoder = components.get(3);
		upsampler = components.get(4);
		final JsonObject m = bundle.manifest();
		dim = m.get("embedding_dim").getAsInt();
		base = m.getAsJsonObject("resolution").get("base").getAsInt();
		output = m.getAsJsonObject("resolution").get("output").getAsInt();
		textWidth = m.has("text_width") ? m.get("text_width").getAsInt() : dim;
		context = tokenizer.contextLength();
	}

	static Pipeline load(final Bundle bundle, final Device device) {
		final PromptTokenizer tokenizer = PromptTokenizer.of(bundle);
		final List<TorchComponent> loaded = new ArrayList<>();
		try {
			for (final String name : List.of("text_encoder", "image_encoder", "prior", "decoder", "upsampler"))
				loaded.add(TorchComponent.load(bundle, name, device));
		}
		catch (final RuntimeException e) {
			loaded.forEach(TorchComponent::close);
			tokenizer.close();
			throw e;
		}
		return new TinyPipeline(bundle, device, tokenizer, loaded);
	}

	@Override
	public int resolution() {
		return output;
	}

	@Override
	public PromptTokenizer tokenizer() {
		return tokenizer;
	}

	@Override
	public float[] run(final PipelineRequest request, final NoiseSource noise,
		final ProgressListener progress, final Cancellation cancellation, final Trace trace)
	{
		final int n = request.n();
		final int big = output * output, small = base * base;
		try (NDManager manager = NDManager.newBaseManager(device)) {
			// 1. image embedding
			float[] imageEmbed;
			if (request.mode().equals("variation")) {
				cancellation.check();
				imageEmbed = encodedImages(manager, request.source(), n);
			}
			else imageEmbed = priorEmbeddings(manager, request.imagePrompts(), request.scheduler(), noise, progress,
				cancellation, trace);
			imageEmbed = trace.record("image_embed", imageEmbed);

			// 2. decoder at the base resolution
			final float[] mask, masked;
			if (request.mode().equals("inpaint")) {
				mask = request.mask();
				masked = new float[n * 3 * big];
				for (int i = 0; i < n; i++)
					for (int c = 0; c < 3; c++)
						for (int p = 0; p < big; p++)
							masked[(i * 3 + c) * big + p] = request.source()[(i * 3 + c) * big + p] * (1 - mask[i * big + p]);
			}
			else {
				mask = new float[n * big];
				Arrays.fill(mask, 1f);
				masked = new float[n * 3 * big];
			}
			final NDArray embed = manager.create(imageEmbed, new Shape(n, dim));
			final Scheduler decoderScheduler = scheduler(request.scheduler(), "decoder");
			final SamplingRun run = decoderScheduler.start(request.steps());
			float[] x;
			int start = 0;
			if (request.mode().equals("variation") && request.strength() < 1.0) {
				start = (int) (request.steps() * (1.0 - request.strength()));
				x = decoderScheduler.addNoise(averagePooled(request.source(), n), noise.draw("decoder.vary", n, 3 *
					small), run.timesteps()[start]);
			}
			else x = scaled(noise.draw("decoder.init", n, 3 * small), run.initNoiseSigma());
			final float[] lowRes = trace.record("low_res", clamped(decoded(manager, embed, masked, mask, run, start,
				x, n, request.guidance(), noise, progress, cancellation, trace)));

			// 3. upsampler
			final float[] image = upsampled(manager, lowRes, embed, n, request.scheduler(), noise, progress,
				cancellation, trace);

			// 4. inpainting keeps the unmasked source
			if (request.mode().equals("inpaint")) for (int i = 0; i < n; i++)
				for (int c = 0; c < 3; c++)
					for (int p = 0; p < big; p++) {
						final int k = (i * 3 + c) * big + p;
						final float m = mask[i * big + p];
						image[k] = m * image[k] + (1 - m) * request.source()[k];
					}
			return trace.record("image", image);
		}
	}

	/** The image encoder's embeddings [n,D] of sources [n,3,R,R]. */
	private float[] encodedImages(final NDManager manager, final float[] source, final int n) {
		try (NDManager call = manager.newSubManager()) {
			return imageEncoder.call(new NDList(call.create(source, new Shape(n, 3, output, output)))).head()
				.toFloatArray();
		}
	}

	/** The text encoder's {@code text_embed} [n,D] and {@code text_hidden} [n,77,W], in {@code manager}. */
	private NDList encodedTexts(final NDManager manager, final List<String> prompts) {
		final int n = prompts.size();
		final long[] ids = new long[n * context];
		final java.util.Map<String, long[]> encoded = new java.util.HashMap<>();
		for (int i = 0; i < n; i++)
			System.arraycopy(encoded.computeIfAbsent(prompts.get(i), p -> tokenizer.encode(p).ids()), 0, ids, i *
				context, context);
		try (NDManager call = manager.newSubManager()) {
			final NDList out = textEncoder.call(new NDList(call.create(ids, new Shape(n, context))));
			final NDList kept = new NDList(out.get(0).reshape(n, dim), out.get(1).reshape(n, context, textWidth));
			kept.attach(manager);
			return kept;
		}
	}

	/** Text encoder, then the prior: the image embeddings [n,D] of one prompt per image. */
	private float[] priorEmbeddings(final NDManager manager, final List<String> prompts, final String schedulerName,
		final NoiseSource noise, final ProgressListener progress, final Cancellation cancellation,
		final Trace trace)
	{
		final int n = prompts.size();
		final NDList text = encodedTexts(manager, prompts);
		final NDArray textEmbed = text.get(0), textHidden = text.get(1);
		if (trace.records()) {
			trace.record("text_embed", textEmbed.toFloatArray());
			trace.record("text_hidden", textHidden.toFloatArray());
		}
		final JsonObject ps = bundle.manifest().getAsJsonObject("stages").getAsJsonObject("prior");
		final SamplingRun run = scheduler(schedulerName, "prior").start(ps.get("steps").getAsInt());
		final float[] x = scaled(noise.draw("prior.init", n, dim), run.initNoiseSigma());
		final double guidance = ps.get("guidance").getAsDouble();
		final NDList unconditioned = guidance == 1.0 ? null : new NDList(manager.zeros(textEmbed.getShape()),
			manager.zeros(textHidden.getShape()));
		final float[] sample = denoise("prior", prior, run, 0, x, n, new Shape(n, dim), guidance, new NDList(
			textEmbed, textHidden), unconditioned, noise, progress, cancellation, trace);
		// F.normalize(x / latent_scale) as the reference computes it: the division in float32 (IEEE, so the
		// same bits as libtorch's), the normalisation with libtorch's own kernels (its reduction order)
		final float scale = ps.get("latent_scale").getAsFloat();
		final float[] scaled = new float[sample.length];
		for (int i = 0; i < scaled.length; i++)
			scaled[i] = sample[i] / scale;
		try (NDManager call = manager.newSubManager()) {
			return floats(call.create(scaled, new Shape(n, dim)).normalize(2, 1, 1e-12), scaled.length);
		}
	}

	/**
	 * The decoder's run (or, with a {@link DdimInversion} run, its inversion) from {@code x} at step
	 * {@code start}, conditioned on the embeddings and the masked image; guided with zero embeddings.
	 */
	private float[] decoded(final NDManager manager, final NDArray embed, final float[] masked,
		final float[] mask, final SamplingRun run, final int start, final float[] x, final int n,
		final double guidance, final NoiseSource noise, final ProgressListener progress,
		final Cancellation cancellation, final Trace trace)
	{
		final NDArray maskedArray = manager.create(masked, new Shape(n, 3, output, output));
		final NDArray maskArray = manager.create(mask, new Shape(n, 1, output, output));
		return denoise("decoder", decoder, run, start, x, n, new Shape(n, 3, base, base), guidance, new NDList(
			embed, maskedArray, maskArray), new NDList(manager.zeros(embed.getShape()), maskedArray, maskArray),
			noise, progress, cancellation, trace);
	}

	/** Upsampler, no guidance; from noise, or from the resized low_res noised to its start (SDEdit). */
	private float[] upsampled(final NDManager manager, final float[] lowRes, final NDArray embed, final int n,
		final String schedulerName, final NoiseSource noise, final ProgressListener progress,
		final Cancellation cancellation, final Trace trace)
	{
		final int big = output * output;
		final Shape lowShape = new Shape(n, 3, base, base);
		final JsonObject us = bundle.manifest().getAsJsonObject("stages").getAsJsonObject("upsampler");
		final Scheduler upScheduler = scheduler(schedulerName, "upsampler");
		final SamplingRun upRun = upScheduler.start(us.get("steps").getAsInt());
		final int upStart = upsamplerStart(us);
		float[] y;
		if (upStart >= 0) {
			final float[] resized;
			try (NDManager call = manager.newSubManager()) {
				// libtorch's own upsample_bilinear2d (align_corners=False), as F.interpolate in the reference
				resized = trace.record("upsampler.start", floats(call.create(lowRes, lowShape).getNDArrayInternal()
					.interpolation(new long[] { output, output }, BILINEAR, false), n * 3 * big));
			}
			y = upScheduler.addNoise(resized, noise.draw("upsampler.init", n, 3 * big), upRun.timesteps()[upStart]);
		}
		else y = scaled(noise.draw("upsampler.init", n, 3 * big), upRun.initNoiseSigma());
		y = denoise("upsampler", upsampler, upRun, Math.max(upStart, 0), y, n, new Shape(n, 3, output, output),
			1.0, new NDList(manager.create(lowRes, lowShape), embed), null, noise, progress, cancellation, trace);
		return clamped(y);
	}

	@Override
	public EmbeddingSpace embeddingSpace() {
		return new TinyEmbeddingSpace();
	}

	/**
	 * The tiny kind's embedding space: its CLIP-style encoders, prior and decoder. The decoder works at the
	 * base resolution r, so inversion runs on the source average-pooled to r x r; the upsampler then adds
	 * detail from its own noise, as in every run.
	 */
	private final class TinyEmbeddingSpace implements EmbeddingSpace {

		@Override
		public int dimension() {
			return dim;
		}

		@Override
		public float[] imageEmbedding(final float[] source, final SourceImage pixels,
			final Cancellation cancellation)
		{
			cancellation.check();
			try (NDManager manager = NDManager.newBaseManager(device)) {
				return encodedImages(manager, source, 1);
			}
		}

		@Override
		public float[] textEmbedding(final String prompt, final Cancellation cancellation) {
			cancellation.check();
			try (NDManager manager = NDManager.newBaseManager(device)) {
				return encodedTexts(manager, List.of(prompt)).get(0).toFloatArray();
			}
		}

		@Override
		public float[] promptEmbedding(final String prompt, final EmbeddedGenerator.Settings s,
			final NoiseSource noise, final ProgressListener progress, final Cancellation cancellation)
		{
			try (NDManager manager = NDManager.newBaseManager(device)) {
				return priorEmbeddings(manager, List.of(prompt), s.scheduler(), noise, progress, cancellation, Trace.NONE);
			}
		}

		@Override
		public float[] invert(final float[] source, final float[] imageEmbedding,
			final EmbeddedGenerator.Settings s, final ProgressListener progress, final Cancellation cancellation)
		{
			if (!s.scheduler().equals("ddim")) throw new UnclipException("Keeping the layout " +
				"(DDIM inversion) needs the ddim scheduler, not " + s.scheduler() + "; use scheduler ddim or " +
				"turn inversion off.");
			final JsonObject config = bundle.manifest().getAsJsonObject("stages").getAsJsonObject("decoder")
				.getAsJsonObject("config");
			try (NDManager manager = NDManager.newBaseManager(device)) {
				final float[] mask = new float[output * output];
				Arrays.fill(mask, 1f);
				return decoded(manager, manager.create(imageEmbedding, new Shape(1, dim)), new float[3 * output *
					output], mask, new DdimInversion(config).start(s.steps()), 0, averagePooled(source, 1), 1, s
						.guidance(), (name, batch, per) -> new float[batch * per], progress, cancellation, Trace.NONE);
			}
		}

		@Override
		public float[] decode(final float[] embeddings, final int n, final float[] start,
			final EmbeddedGenerator.Settings s, final NoiseSource noise, final ProgressListener progress,
			final Cancellation cancellation)
		{
			try (NDManager manager = NDManager.newBaseManager(device)) {
				final SamplingRun run = scheduler(s.scheduler(), "decoder").start(s.steps());
				final float[] x;
				if (start == null) x = scaled(noise.draw("decoder.init", n, 3 * base * base), run.initNoiseSigma());
				else {
					x = new float[n * start.length];
					for (int i = 0; i < n; i++)
						System.arraycopy(start, 0, x, i * start.length, start.length);
				}
				final float[] mask = new float[n * output * output];
				Arrays.fill(mask, 1f);
				final NDArray embed = manager.create(embeddings, new Shape(n, dim));
				final float[] lowRes = clamped(decoded(manager, embed, new float[n * 3 * output * output], mask, run,
					0, x, n, s.guidance(), noise, progress, cancellation, Trace.NONE));
				return upsampled(manager, lowRes, embed, n, s.scheduler(), noise, progress, cancellation, Trace.NONE);
			}
		}
	}

	/**
	 * Where the upsampler starts (models/BUNDLE.md): -1 for {@code "init": "noise"} (pure noise, every step),
	 * else the index {@code int(steps * (1 - strength))} of its timesteps for {@code "init": "low_res"}.
	 */
	static int upsamplerStart(final JsonObject stage) {
		final String init = stage.has("init") ? stage.get("init").getAsString() : "noise";
		if (init.equals("noise")) return -1;
		if (!init.equals("low_res")) throw new UnclipException("The model's upsampler stage has " +
			"init '" + init + "'; this engine knows 'noise' and 'low_res'.");
		final int steps = stage.get("steps").getAsInt();
		final double strength = stage.has("strength") ? stage.get("strength").getAsDouble() : 1.0;
		final int start = (int) (steps * (1.0 - strength));
		if (!(strength > 0 && strength <= 1) || start >= steps) throw new UnclipException(
			"The model's upsampler strength " + strength + " is outside (0, 1] or leaves none of its " + steps +
				" steps.");
		return start;
	}

	/** DJL's code for bilinear in {@code NDArrayEx.interpolation} (ai.djl.modality.cv.Image.Interpolation). */
	private static final int BILINEAR = 1;

	/**
	 * The stage's scheduler by name, built once per pipeline: schedulers are immutable (a run's state lives in
	 * its SamplingRun) and building one computes its 1000-step noise schedule.
	 */
	private Scheduler scheduler(final String name, final String stage) {
		return schedulers.computeIfAbsent(name + " " + stage, key -> Schedulers.create(name, bundle.manifest().getAsJsonObject("stages").getAsJsonObject(stage).getAsJsonObject(
				"config")));
	}

	/**
	 * DENOISE of the reference: one network call per step, [cond; uncond] batched when guided. Per step the
	 * sample (twice when guided) and the timesteps are written into tensors that Java and libtorch share
	 * ({@link RefilledInput}) and the network's output comes back once; guidance
	 * {@code u + g (c - u)} and the scheduler step run on float arrays in float32 (the reference's kernels'
	 * operations in the same order, so bit for bit). For this bundle's small tensors each libtorch operation
	 * costs more in dispatch than in arithmetic, so fewer of them is what makes the time outside the networks
	 * small. With 2 or more libtorch threads on the CPU, a guided image stage evaluates its two halves side by
	 * side instead ({@link GuidanceHalves}); the prior's calls are too short to gain from it.
	 */
	private float[] denoise(final String stage, final TorchComponent net, final SamplingRun run,
		final int start, final float[] x, final int n, final Shape shape, final double guidance,
		final NDList cond, final NDList uncond, final NoiseSource noise, final ProgressListener progress,
		final Cancellation cancellation, final Trace trace)
	{
		final boolean guided = guidance != 1.0;
		final NDManager scope = cond.head().getManager();
		if (guided && shape.dimension() == 4 && GuidanceHalves.wanted(device.getDeviceType().equals(
			Device.Type.CPU)))
		{
			final GuidanceHalves halves = GuidanceHalves.shared();
			return halves.run(() -> {
				try (StepCall call = new HalvedCall(halves, net, scope, shape, cond, uncond)) {
					return steps(stage, call, run, start, x, n, guidance, noise, progress, cancellation, trace);
				}
			});
		}
		try (StepCall call = new BatchedCall(net, scope, shape, guided ? 2 : 1, cond, uncond)) {
			return steps(stage, call, run, start, x, n, guidance, noise, progress, cancellation, trace);
		}
	}

	private static float[] steps(final String stage, final StepCall call, final SamplingRun run,
		final int start, float[] x, final int n, final double guidance, final NoiseSource noise,
		final ProgressListener progress, final Cancellation cancellation, final Trace trace)
	{
		final long[] timesteps = run.timesteps();
		final int total = timesteps.length - start;
		final boolean guided = guidance != 1.0;
		final int per = x.length / n;
		for (int k = 0; k < total; k++) {
			cancellation.check();
			final int index = start + k;
			final float[] out = call.output(x, timesteps[index]);
			final float[] prediction = guided ? guided(out, x.length, (float) guidance) : out;
			final float[] stepNoise = run.needsNoise(index) ? noise.draw(stage + ".step." + k, n, per) : null;
			x = run.step(prediction, index, x, stepNoise);
			if (trace.records()) x = trace.record(stage + ".x." + k, x);
			progress.progress(stage, k + 1, total);
		}
		return x;
	}

	/**
	 * A step's inputs: sample, timesteps, conditioning. The outputs go to the sample's manager, the refilled
	 * input's own, so they live until the stage ends and are freed together ({@link #copyOutput}).
	 */
	private static NDList stepInputs(final NDArray sample, final NDArray timestep, final NDList conditioning) {
		final NDList inputs = new NDList(sample, timestep);
		inputs.addAll(conditioning);
		return inputs;
	}

	/**
	 * Copies a step's output of {@code length} floats into {@code into} at {@code offset}. Reading a tensor
	 * back costs libtorch calls, and right after a network call each costs microseconds (its code and data
	 * are no longer in the CPU's caches), which is most of the tiny kind's time between calls. So this makes
	 * as few as DJL allows (type, device, one copy of the bytes) and leaves the tensor to be freed with the
	 * stage's others, where freeing them in one go is cheap; they are a few hundred KB per image.
	 */
	private static void copyOutput(final NDList output, final float[] into, final int offset, final int length) {
		copy(output.head(), into, offset, length);
	}

	/** The {@code length} float32 values of {@code out}, read as {@link #copyOutput} does. */
	private static float[] floats(final NDArray out, final int length) {
		final float[] values = new float[length];
		copy(out, values, 0, length);
		return values;
	}

	private static void copy(final NDArray out, final float[] into, final int offset, final int length) {
		if (out.getDataType() != DataType.FLOAT32) throw new UnclipException("The network returned " + out
			.getDataType() + " values, expected float32; the model folder does not match this engine.");
		final ByteBuffer bytes = out.toByteBuffer(false);
		if (bytes.remaining() != (long) Float.BYTES * length) throw new UnclipException("The network returned " +
			out.getShape() + ", expected " + length + " values; the model folder does not match this engine.");
		bytes.asFloatBuffer().get(into, offset, length);
	}

	/** A stage's network output per step, [cond; uncond] when guided; its tensors live until it closes. */
	private interface StepCall extends AutoCloseable {

		float[] output(float[] x, long t);

		@Override
		void close();
	}

	/** The whole batch in one call: the sample once, or twice with the conditioning [cond; uncond]. */
	private static final class BatchedCall implements StepCall {

		private final TorchComponent net;
		private final NDManager conditioning;
		private final RefilledInput sample, timestep;
		private final NDList extra = new NDList();
		private final int copies;

		BatchedCall(final TorchComponent net, final NDManager scope, final Shape shape, final int copies,
			final NDList cond, final NDList uncond)
		{
			this.net = net;
			this.copies = copies;
			final long[] dims = shape.getShape().clone();
			dims[0] *= copies;
			conditioning = scope.newSubManager();
			sample = new RefilledInput(scope, new Shape(dims), DataType.FLOAT32);
			timestep = new RefilledInput(scope, new Shape(dims[0]), DataType.INT64);
			for (int i = 0; i < cond.size(); i++) {
				final NDArray c = copies == 2 ? cond.get(i).concat(uncond.get(i), 0) : cond.get(i);
				if (copies == 2) c.attach(conditioning);
				extra.add(c);
			}
		}

		@Override
		public float[] output(final float[] x, final long t) {
			final float[] out = new float[copies * x.length];
			copyOutput(net.call(stepInputs(sample.of(x, copies), timestep.filled(t), extra)), out, 0, out.length);
			return out;
		}

		@Override
		public void close() {
			try (conditioning; sample; timestep) {
				// closes all three
			}
		}
	}

	/**
	 * The halves in two calls at once ({@link GuidanceHalves}), each with its own refilled sample; the
	 * timesteps are the same for both and only read, so one tensor serves both calls.
	 */
	private static final class HalvedCall implements StepCall {

		private final GuidanceHalves halves;
		private final TorchComponent net;
		private final RefilledInput condSample, uncondSample, timestep;
		private final NDList cond, uncond;

		HalvedCall(final GuidanceHalves halves, final TorchComponent net, final NDManager scope,
			final Shape shape, final NDList cond, final NDList uncond)
		{
			this.halves = halves;
			this.net = net;
			this.cond = cond;
			this.uncond = uncond;
			condSample = new RefilledInput(scope, shape, DataType.FLOAT32);
			uncondSample = new RefilledInput(scope, shape, DataType.FLOAT32);
			timestep = new RefilledInput(scope, new Shape(shape.get(0)), DataType.INT64);
		}

		/** Each half's thread copies its own output into the step's array [cond; uncond]. */
		@Override
		public float[] output(final float[] x, final long t) {
			final NDArray steps = timestep.filled(t);
			final NDList condInputs = stepInputs(condSample.of(x, 1), steps, cond);
			final NDList uncondInputs = stepInputs(uncondSample.of(x, 1), steps, uncond);
			final float[] both = new float[2 * x.length];
			halves.both(() -> net.callUntimed(condInputs), () -> net.callUntimed(uncondInputs), (out, half) ->
				copyOutput(out, both, half * x.length, x.length));
			return both;
		}

		@Override
		public void close() {
			try (condSample; uncondSample; timestep) {
				// closes all three
			}
		}
	}

	/** u + g (c - u) of the batch [cond; uncond], each operation rounded to float32 as libtorch's kernels. */
	static float[] guided(final float[] out, final int half, final float guidance) {
		final float[] prediction = new float[half];
		for (int i = 0; i < half; i++) {
			final float c = out[i], u = out[half + i];
			final float difference = c - u;
			final float scaled = difference * guidance;
			prediction[i] = u + scaled;
		}
		return prediction;
	}

	private static float[] scaled(final float[] values, final float factor) {
		final float[] out = new float[values.length];
		for (int i = 0; i < values.length; i++)
			out[i] = values[i] * factor;
		return out;
	}

	private static float[] clamped(final float[] values) {
		final float[] out = new float[values.length];
		for (int i = 0; i < values.length; i++)
			out[i] = Math.max(-1f, Math.min(1f, values[i]));
		return out;
	}

	/** avg_pool2d with kernel R / r: the source at the decoder's resolution. */
	private float[] averagePooled(final float[] source, final int n) {
		final int k = output / base;
		final float[] out = new float[n * 3 * base * base];
		for (int ic = 0; ic < n * 3; ic++)
			for (int y = 0; y < base; y++)
				for (int x = 0; x < base; x++) {
					float sum = 0;
					for (int dy = 0; dy < k; dy++)
						for (int dx = 0; dx < k; dx++)
							sum += source[ic * output * output + (y * k + dy) * output + x * k + dx];
					out[ic * base * base + y * base + x] = sum / (k * k);
				}
		return out;
	}

	@Override
	public void close() {
		for (final TorchComponent c : List.of(textEncoder, imageEncoder, prior, decoder, upsampler))
			c.close();
		tokenizer.close();
	}
}
