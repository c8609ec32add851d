package sc.fiji.unclip.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import net.imglib2.img.Img;
import net.imglib2.type.numeric.ARGBType;
import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.CancelledException;
import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.Generator;
import sc.fiji.unclip.InpaintRequest;
import sc.fiji.unclip.ModelInfo;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.Provenance;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.UnclipException;
import sc.fiji.unclip.VariationRequest;
import sc.fiji.unclip.InterpolationRequest;
import sc.fiji.unclip.TextDiffRequest;

/**
 * A {@link Generator} on a remote inference service, over OpenAI's Images API (the JDK's HTTP client).
 * Against this project's service it also sends seed, steps, guidance and scheduler, follows progress as
 * server-sent events and cancels by disconnecting; against any other compatible server it sends only the
 * standard parameters. Every call carries a seed, so it is idempotent: busy answers (429, 503), proxy
 * failures (502, 504) and lost connections are retried with backoff.
 */
public final class RemoteGenerator implements Generator {

	private static final String ENGINE_VERSION = "remote";

	private final URI server;
	private final String apiKey;
	private final Duration requestTimeout;
	private final int maxRetries;
	private final HttpClient http;
	private volatile ModelInfo model;
	private volatile boolean extended;

	/**
	 * @param server base address, e.g. {@code http://gpu-host:8080}
	 * @param apiKey bearer token, or null
	 * @param requestTimeout longest silence from the server while a call runs
	 * @param maxRetries retries after the first attempt for busy answers and lost connections
	 */
	public RemoteGenerator(final URI server, final String apiKey, final Duration requestTimeout,
		final int maxRetries)
	{
		final String base = server.toString();
		this.server = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
		this.apiKey = apiKey;
		this.requestTimeout = requestTimeout;
		this.maxRetries = maxRetries;
		this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration
			.ofSeconds(10)).build();
	}

	/** Defaults: 5 minutes of silence at most, 8 retries. The key falls back to {@code UNCLIP_API_KEY}. */
	public static RemoteGenerator connect(final URI server, final String apiKey) {
		return new RemoteGenerator(server, apiKey != null ? apiKey : System.getenv("UNCLIP_API_KEY"),
			Duration.ofMinutes(5), 8);
	}

	@Override
	public ModelInfo model() {
		if (model == null) model = fetchModel();
		return model;
	}

	@Override
	public GenerationResult textToImage(final TextToImageRequest request,
		final ProgressListener progress, final Cancellation cancellation)
	{
		model();
		final JsonObject json = new JsonObject();
		json.addProperty("prompt", request.prompt());
		json.addProperty("n", request.n());
		json.addProperty("response_format", "b64_json");
		if (extended) {
			json.addProperty("seed", request.seed());
			final SamplingOptions s = request.sampling() == null ? SamplingOptions.DEFAULTS : request
				.sampling();
			if (s.steps() != null) json.addProperty("steps", s.steps());
			if (s.guidance() != null) json.addProperty("guidance", s.guidance());
			if (s.scheduler() != null) json.addProperty("scheduler", s.scheduler());
			if (s.width() != null && s.height() != null) json.addProperty("size", s.width() + "x" + s.height());
			json.addProperty("stream", true);
		}
		final byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
		final JsonObject result = call("/v1/images/generations", "application/json", body, progress,
			cancellation);
		return result(result, "text-to-image", request.prompt(), request.seed(), request.n(), request
			.sampling(), 1);
	}

	@Override
	public GenerationResult vary(final VariationRequest request, final ProgressListener progress,
		final Cancellation cancellation)
	{
		model();
		final MultipartBody form = new MultipartBody().png("image", PngTransfer.rgb(request.image()))
			.field("n", request.n()).field("response_format", "b64_json");
		if (extended) {
			form.field("seed", request.seed()).field("strength", request.strength()).field("stream", true);
			sampling(form, request.sampling());
		}
		final JsonObject result = call("/v1/images/variations", form.contentType(), form.finish(),
			progress, cancellation);
		return result(result, "variations", null, request.seed(), request.n(), request.sampling(), request
			.strength());
	}

	/** {@code POST /v1/images/interpolations}, this service's extension (a plain OpenAI server answers 404). */
	@Override
	public GenerationResult interpolate(final InterpolationRequest request, final ProgressListener progress,
		final Cancellation cancellation)
	{
		model();
		if (request.from().image() == null) throw new UnclipException("The service interpolates from an image; " +
			"give an image as the start.");
		final MultipartBody form = new MultipartBody().png("image", PngTransfer.rgb(request.from().image()));
		if (request.to().image() != null) form.png("to_image", PngTransfer.rgb(request.to().image()));
		else form.field("to_prompt", request.to().prompt());
		form.field("weights", String.join(",", request.weights().stream().map(w -> Double.toString(w)).toList()))
			.field("seed", request.seed()).field("invert", Boolean.toString(request.invert())).field(
				"response_format", "b64_json").field("stream", true);
		sampling(form, request.sampling());
		return result(call("/v1/images/interpolations", form.contentType(), form.finish(), progress,
			cancellation), "interpolation", request.to().prompt(), request.seed(), request.weights().size(), request
				.sampling(), 1);
	}

	/** {@code POST /v1/images/textdiffs}, this service's extension (a plain OpenAI server answers 404). */
	@Override
	public GenerationResult textDiff(final TextDiffRequest request, final ProgressListener progress,
		final Cancellation cancellation)
	{
		model();
		final MultipartBody form = new MultipartBody().png("image", PngTransfer.rgb(request.image())).field(
			"from_prompt", request.fromPrompt()).field("to_prompt", request.toPrompt()).field("amount", request
				.amount()).field("n", request.n()).field("seed", request.seed()).field("invert", Boolean.toString(
					request.invert())).field("response_format", "b64_json").field("stream", true);
		sampling(form, request.sampling());
		return result(call("/v1/images/textdiffs", form.contentType(), form.finish(), progress, cancellation),
			"textdiff", request.toPrompt(), request.seed(), request.n(), request.sampling(), 1);
	}

	@Override
	public GenerationResult inpaint(final InpaintRequest request, final ProgressListener progress,
		final Cancellation cancellation)
	{
		model();
		final MultipartBody form = new MultipartBody().png("image", PngTransfer.rgb(request.image())).png(
			"mask", PngTransfer.transparentMask(request.mask())).field("prompt", request.prompt()).field("n",
				request.n()).field("response_format", "b64_json");
		if (extended) {
			form.field("seed", request.seed()).field("feather", request.feather()).field("stream", true);
			// an edit's 'size' is its output size on the service; results keep the image's size here
			sampling(form, request.sampling() == null ? null : request.sampling().withSize(null, null));
		}
		final JsonObject result = call("/v1/images/edits", form.contentType(), form.finish(), progress,
			cancellation);
		return result(result, "inpaint", request.prompt(), request.seed(), request.n(), request.sampling(),
			1);
	}

	@Override
	public void close() {
		// the JDK client has no close in Java 17; its threads end when unused
	}

	private static void sampling(final MultipartBody form, final SamplingOptions s) {
		if (s == null) return;
		form.field("steps", s.steps()).field("guidance", s.guidance()).field("scheduler", s.scheduler());
		if (s.width() != null && s.height() != null) form.field("size", s.width() + "x" + s.height());
	}

	// -- one call, with retries --

	private JsonObject call(final String path, final String contentType, final byte[] body,
		final ProgressListener progress, final Cancellation cancellation)
	{
		Exception lastFailure = null;
		for (int attempt = 0; attempt <= maxRetries; attempt++) {
			if (cancellation.isCancelled()) throw new CancelledException();
			final HttpRequest request = authorized(HttpRequest.newBuilder(server.resolve(path))).header(
				"Content-Type", contentType).header("Accept", extended ? "text/event-stream"
					: "application/json").timeout(requestTimeout).POST(HttpRequest.BodyPublishers
						.ofByteArray(body)).build();
			final Attempt outcome;
			try {
				outcome = attempt(request, progress, cancellation);
			}
			catch (final IOException e) {
				lastFailure = e;
				if (!worthRetrying(e, attempt)) break;
				backoff(attempt, 0, cancellation);
				continue;
			}
			if (outcome.json != null) return outcome.json;
			if (retryable(outcome.status) && attempt < maxRetries) {
				lastFailure = new UnclipException(describe(outcome.status, outcome.error));
				backoff(attempt, outcome.retryAfter, cancellation);
				continue;
			}
			throw failure(outcome.status, outcome.error);
		}
		if (lastFailure instanceof UnclipException u) throw new UnclipException("Gave up after " +
			(maxRetries + 1) + " attempts: " + u.getMessage(), u);
		throw unreachable(lastFailure);
	}

	/**
	 * A lost connection is retried (an instance restarting, a proxy failing over); an unknown host is not,
	 * and a refused connection only a few times, so that a wrong address is reported in seconds.
	 */
	private static boolean worthRetrying(final IOException e, final int attempt) {
		if (unknownHost(e)) return false;
		if (e instanceof ConnectException) return attempt < 3;
		return true;
	}

	/** The JDK client reports an unresolvable name as a ConnectException caused by this. */
	private static boolean unknownHost(final Throwable e) {
		for (Throwable t = e; t != null; t = t.getCause())
			if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) return true;
		return false;
	}

	private static boolean retryable(final int status) {
		return status == 429 || status == 502 || status == 503 || status == 504;
	}

	private static void backoff(final int attempt, final int retryAfterSeconds,
		final Cancellation cancellation)
	{
		long millis = Math.min(8000, 250L << Math.min(attempt, 5));
		if (retryAfterSeconds > 0) millis = Math.min(30_000, Math.max(millis, retryAfterSeconds * 1000L));
		millis += (long) (Math.random() * millis / 4); // jitter: clients retrying together spread out
		final long until = System.nanoTime() + millis * 1_000_000;
		while (System.nanoTime() < until) {
			if (cancellation.isCancelled()) throw new CancelledException();
			try {
				Thread.sleep(Math.min(50, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
			}
			catch (final InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new CancelledException();
			}
		}
	}

	/** What one HTTP exchange gave: the result, or a status with its error body and Retry-After. */
	private record Attempt(JsonObject json, int status, JsonObject error, int retryAfter) {}

	private Attempt attempt(final HttpRequest request, final ProgressListener progress,
		final Cancellation cancellation) throws IOException
	{
		final LineCollector lines = new LineCollector();
		final CompletableFuture<HttpResponse<Void>> response = http.sendAsync(request, info -> {
			lines.head = info;
			return HttpResponse.BodySubscribers.fromLineSubscriber(lines);
		});
		final HttpResponse.ResponseInfo head = awaitHead(response, cancellation, lines);
		final int status = head.statusCode();
		final boolean events = head.headers().firstValue("Content-Type").orElse("").startsWith(
			"text/event-stream");
		if (events && status == 200) return readEvents(lines, progress, cancellation);
		final String text = lines.readAll(requestTimeout, cancellation);
		final JsonObject json = parse(text);
		if (status == 200) {
			if (json == null) throw new IOException("the server's answer was not JSON");
			return new Attempt(json, 200, null, 0);
		}
		final int retryAfter = head.headers().firstValue("Retry-After").map(RemoteGenerator::seconds)
			.orElse(0);
		return new Attempt(null, status, json, retryAfter);
	}

	/** Waits for the status line and headers; the body then arrives through {@code lines}. */
	private HttpResponse.ResponseInfo awaitHead(final CompletableFuture<HttpResponse<Void>> response,
		final Cancellation cancellation, final LineCollector lines) throws IOException
	{
		final long until = System.nanoTime() + requestTimeout.toNanos();
		while (lines.head == null) {
			if (cancellation.isCancelled()) {
				response.cancel(true);
				lines.cancel();
				throw new CancelledException();
			}
			if (response.isDone() && lines.head == null) {
				try {
					response.get();
				}
				catch (final ExecutionException e) {
					if (e.getCause() instanceof IOException io) throw io;
					throw new IOException(e.getCause());
				}
				catch (final InterruptedException e) {
					Thread.currentThread().interrupt();
					throw new CancelledException();
				}
			}
			if (System.nanoTime() > until) {
				response.cancel(true);
				throw new HttpTimeoutException("no answer within " + requestTimeout.toSeconds() + " s");
			}
			try {
				Thread.sleep(5);
			}
			catch (final InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new CancelledException();
			}
		}
		return lines.head;
	}

	private Attempt readEvents(final LineCollector lines, final ProgressListener progress,
		final Cancellation cancellation) throws IOException
	{
		String event = null;
		String jobId = null;
		final StringBuilder data = new StringBuilder();
		while (true) {
			final String line;
			try {
				line = lines.next(requestTimeout, cancellation);
			}
			catch (final CancelledException e) {
				if (jobId != null) cancelJob(jobId);
				throw e;
			}
			if (line == null) throw new IOException("the event stream ended before a result");
			if (line.isEmpty()) {
				if (event != null) {
					final JsonObject json = parse(data.toString());
					if (json == null) throw new IOException("a server event was not JSON");
					switch (event) {
						case "job" -> jobId = json.get("id").getAsString();
						case "progress" -> progress.progress(json.get("stage").getAsString(), json.get("step")
							.getAsInt(), json.get("total").getAsInt());
						case "result" -> {
							lines.cancel();
							return new Attempt(json, 200, null, 0);
						}
						case "error" -> {
							lines.cancel();
							final JsonObject error = json.getAsJsonObject("error");
							final int status = error.has("status") ? error.get("status").getAsInt() : 500;
							if (status == 409 && cancellation.isCancelled()) throw new CancelledException();
							return new Attempt(null, status, json, 0);
						}
						default -> {}
					}
				}
				event = null;
				data.setLength(0);
			}
			else if (line.startsWith("event:")) event = line.substring(6).strip();
			else if (line.startsWith("data:")) data.append(line.substring(5).strip());
		}
	}

	/** Best effort: the disconnect already cancels the job; this also reaches it through a proxy. */
	private void cancelJob(final String id) {
		http.sendAsync(authorized(HttpRequest.newBuilder(server.resolve("/v1/jobs/" + id + "/cancel")))
			.timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.noBody()).build(),
			HttpResponse.BodyHandlers.discarding());
	}

	private HttpRequest.Builder authorized(final HttpRequest.Builder builder) {
		if (apiKey != null && !apiKey.isBlank()) builder.header("Authorization", "Bearer " + apiKey
			.strip());
		return builder;
	}

	// -- model --

	private ModelInfo fetchModel() {
		Exception last = null;
		for (int attempt = 0; attempt <= maxRetries; attempt++) {
			try {
				final HttpResponse<String> response = http.send(authorized(HttpRequest.newBuilder(server
					.resolve("/v1/models"))).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse
						.BodyHandlers.ofString());
				final JsonObject json = parse(response.body());
				if (retryable(response.statusCode()) && attempt < maxRetries) {
					backoff(attempt, 0, new Cancellation());
					continue;
				}
				if (response.statusCode() != 200) throw failure(response.statusCode(), json);
				if (json == null || !json.has("data") || json.getAsJsonArray("data").isEmpty())
					throw new UnclipException("The server at " + server + " lists no models at /v1/models.");
				final JsonArray data = json.getAsJsonArray("data");
				JsonObject chosen = data.get(0).getAsJsonObject();
				for (final JsonElement e : data)
					if (e.getAsJsonObject().has("unclip")) chosen = e.getAsJsonObject();
				final String name = chosen.get("id").getAsString();
				if (!chosen.has("unclip")) {
					extended = false;
					return new ModelInfo(name, "remote", "", 0, 0, 0, "");
				}
				final JsonObject u = chosen.getAsJsonObject("unclip");
				extended = true;
				return new ModelInfo(name, u.get("kind").getAsString(), u.get("sha256").getAsString(), u.get(
					"resolution").getAsInt(), u.get("default_steps").getAsInt(), u.get("default_guidance")
						.getAsDouble(), u.get("default_scheduler").getAsString(), u.has("size_multiple") ? u.get(
							"size_multiple").getAsInt() : 0);
			}
			catch (final IOException e) {
				last = e;
				if (!worthRetrying(e, attempt)) break;
				backoff(attempt, 0, new Cancellation());
			}
			catch (final InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new CancelledException();
			}
		}
		throw unreachable(last);
	}

	// -- results and errors --

	private GenerationResult result(final JsonObject json, final String mode, final String prompt,
		final long seed, final int n, final SamplingOptions sampling, final double strength)
	{
		final List<Img<ARGBType>> images = new ArrayList<>();
		for (final JsonElement item : json.getAsJsonArray("data")) {
			final JsonElement b64 = item.getAsJsonObject().get("b64_json");
			if (b64 == null) throw new UnclipException("The server at " + server +
				" answered without b64_json images.");
			images.add(PngTransfer.decode(Base64.getDecoder().decode(b64.getAsString())));
		}
		final List<String> warnings = new ArrayList<>();
		final Provenance provenance;
		if (json.has("unclip")) {
			final JsonObject u = json.getAsJsonObject("unclip");
			if (u.has("warnings")) u.getAsJsonArray("warnings").forEach(w -> warnings.add(w.getAsString()));
			provenance = new Provenance(text(u, "unclip.mode", mode), text(u, "unclip.prompt", prompt), Long
				.parseLong(text(u, "unclip.seed", "" + seed)), Integer.parseInt(text(u, "unclip.n", "" + n)),
				Integer.parseInt(text(u, "unclip.steps", "0")), Double.parseDouble(text(u, "unclip.guidance",
					"0")), text(u, "unclip.scheduler", ""), Double.parseDouble(text(u, "unclip.strength", "" +
						strength)), text(u, "unclip.model", model.name()), text(u, "unclip.model.kind", model.kind()),
				text(u, "unclip.model.sha256", ""),
				text(u, "unclip.engine", ENGINE_VERSION), 0, 0, controls(u));
		}
		else {
			warnings.add("The server at " + server + " does not report seeds or steps; the images " +
				"cannot be reproduced from this provenance.");
			final SamplingOptions s = sampling == null ? SamplingOptions.DEFAULTS : sampling;
			provenance = new Provenance(mode, prompt, seed, images.size(), Optional.ofNullable(s.steps())
				.orElse(0), Optional.ofNullable(s.guidance()).orElse(0.0), Optional.ofNullable(s.scheduler())
					.orElse(""), strength, model.name(), model.kind(), model.sha256(), ENGINE_VERSION + " " + server);
		}
		return new GenerationResult(images, provenance, warnings);
	}

	/** The embedding controls' entries of the server's provenance. */
	private static Map<String, String> controls(final JsonObject u) {
		final Map<String, String> controls = new java.util.LinkedHashMap<>();
		for (final String key : Provenance.CONTROL_KEYS)
			if (u.has("unclip." + key)) controls.put(key, u.get("unclip." + key).getAsString());
		return controls;
	}

	private static String text(final JsonObject json, final String key, final String fallback) {
		return json.has(key) ? json.get(key).getAsString() : fallback;
	}

	private static JsonObject parse(final String text) {
		try {
			final JsonElement e = JsonParser.parseString(text);
			return e.isJsonObject() ? e.getAsJsonObject() : null;
		}
		catch (final JsonParseException e) {
			return null;
		}
	}

	private static int seconds(final String retryAfter) {
		try {
			return Integer.parseInt(retryAfter.strip());
		}
		catch (final NumberFormatException e) {
			return 0;
		}
	}

	private static String message(final JsonObject error) {
		if (error != null && error.has("error") && error.get("error").isJsonObject()) {
			final JsonObject e = error.getAsJsonObject("error");
			if (e.has("message")) return e.get("message").getAsString();
		}
		return "no explanation given";
	}

	private String describe(final int status, final JsonObject error) {
		return "The server at " + server + " answered " + status + ": " + message(error);
	}

	private UnclipException failure(final int status, final JsonObject error) {
		return switch (status) {
			case 401, 403 -> new UnclipException("The server at " + server + " refused the API key (" +
				status + "): " + message(error) + " Set the key in unCLIP Settings or the UNCLIP_API_KEY " +
				"environment variable.");
			case 413 -> new UnclipException("The request is too large for the server at " + server +
				" (413): " + message(error) + " Send a smaller image.");
			default -> new UnclipException(describe(status, error));
		};
	}

	private UnclipException unreachable(final Exception cause) {
		final String why = unknownHost(cause) ? "unknown host" : cause instanceof ConnectException
			? "connection refused"
			: cause instanceof HttpTimeoutException ? "no answer in time" : String.valueOf(cause);
		return new UnclipException("Cannot reach the unCLIP server at " + server + " (" + why +
			"). Check the address, that the service is running, and the network.", cause);
	}

	/**
	 * Receives the response body line by line on the client's threads and hands the lines to the calling
	 * thread, which can then give up (cancel, timeout) without waiting on the network.
	 */
	private static final class LineCollector implements Flow.Subscriber<String> {

		private static final String END = new String("end");
		private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
		private volatile Flow.Subscription subscription;
		private volatile Throwable failure;

		volatile HttpResponse.ResponseInfo head;

		@Override
		public void onSubscribe(final Flow.Subscription s) {
			subscription = s;
			s.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(final String line) {
			lines.add(line);
		}

		@Override
		public void onError(final Throwable t) {
			failure = t;
			lines.add(END);
		}

		@Override
		public void onComplete() {
			lines.add(END);
		}

		void cancel() {
			final Flow.Subscription s = subscription;
			if (s != null) s.cancel();
		}

		/** @return the next line, or null at the end of the body */
		String next(final Duration timeout, final Cancellation cancellation) throws IOException {
			final long until = System.nanoTime() + timeout.toNanos();
			while (true) {
				if (cancellation.isCancelled()) {
					cancel();
					throw new CancelledException();
				}
				final String line;
				try {
					line = lines.poll(100, TimeUnit.MILLISECONDS);
				}
				catch (final InterruptedException e) {
					Thread.currentThread().interrupt();
					cancel();
					throw new CancelledException();
				}
				if (line == END) {
					if (failure != null) throw failure instanceof IOException io ? io : new IOException(
						failure);
					return null;
				}
				if (line != null) return line;
				if (System.nanoTime() > until) {
					cancel();
					throw new HttpTimeoutException("the server sent nothing for " + timeout.toSeconds() +
						" s");
				}
			}
		}

		String readAll(final Duration timeout, final Cancellation cancellation) throws IOException {
			final StringBuilder sb = new StringBuilder();
			for (String line; (line = next(timeout, cancellation)) != null;)
				sb.append(line).append('\n');
			return sb.toString();
		}
	}
}
