package sc.fiji.unclip.service;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.Generator;
import sc.fiji.unclip.ModelInfo;

/**
 * The HTTP inference service: OpenAI's Images API ({@code /v1/images/generations}, {@code edits},
 * {@code variations}, {@code /v1/models}) over one {@link Generator}, plus {@code /health}, progress as
 * server-sent events and {@code /v1/jobs/{id}/cancel}. Requests wait in a bounded {@link JobQueue} and run
 * in dynamic batches on one {@link BatchRunner} thread, so the accelerator is never shared by two calls.
 */
public final class InferenceService implements AutoCloseable {

	/** How often a plain request's connection is checked for a hang-up while its job waits or runs. */
	private static final long HANG_UP_CHECK_MS = 200;

	static {
		// The JDK server closes connections whose request (headers and body) takes longer than this, so
		// a client trickling its body ties up one connection for a bounded time. The JDK reads it once per
		// JVM (at the first server), hence a JVM-wide setting rather than a per-service one.
		if (System.getProperty("sun.net.httpserver.maxReqTime") == null) System.setProperty(
			"sun.net.httpserver.maxReqTime", Long.toString(ServiceConfig.defaults().readTimeout()
				.toSeconds()));
	}

	/** Put in a stream's event queue when its job ends, so the result goes out at once. */
	private static final JsonObject FINISHED = new JsonObject();

	private final ServiceConfig config;
	private final Generator generator;
	private final ModelInfo model;
	private final ApiKey apiKey;
	private final ImageApiRequests requests;
	private final JobQueue queue;
	private final BatchRunner runner;
	private final Thread runnerThread;
	private final HttpServer server;
	private final ExecutorService handlers;
	private final ScheduledExecutorService timer;
	private final Map<String, Job> jobs = new ConcurrentHashMap<>();
	private final AtomicInteger served = new AtomicInteger();
	private final ResultStore results;
	private volatile boolean shuttingDown;

	private InferenceService(final ServiceConfig config, final Generator generator) throws IOException {
		config.requireKeyOffLoopback();
		this.config = config;
		this.generator = generator;
		this.model = generator.model();
		this.apiKey = config.apiKey() == null ? null : new ApiKey(config.apiKey());
		this.requests = new ImageApiRequests(config, model);
		this.results = new ResultStore(config.resultLifetime(), config.maxResultBytes());
		this.queue = new JobQueue(config.queueCapacity(), config.maxBatch(), config.maxBatchWait());
		this.runner = new BatchRunner(queue, generator);
		this.runnerThread = new Thread(runner, "unclip-batch-runner");
		final ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1, r -> daemon(r,
			"unclip-deadlines"));
		deadlines.setRemoveOnCancelPolicy(true); // else every finished job stays referenced until its deadline
		this.timer = deadlines;
		final AtomicInteger handlerCount = new AtomicInteger();
		// Each waiting request holds a handler thread; the queue bound keeps their number bounded.
		// Started up front so that the thread count is flat under load (a soak shows growth, not warm-up).
		final int threads = config.queueCapacity() + config.maxBatch() + 16;
		final ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
			new LinkedBlockingQueue<>(), r -> daemon(r, "unclip-http-" + handlerCount.incrementAndGet()));
		pool.prestartAllCoreThreads();
		this.handlers = pool;
		this.server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 64);
		server.setExecutor(handlers);
		server.createContext("/", this::handle);
	}

	/** Starts the service; the generator stays owned by the caller. */
	public static InferenceService start(final ServiceConfig config, final Generator generator)
		throws IOException
	{
		final InferenceService service = new InferenceService(config, generator);
		service.runnerThread.start();
		service.server.start();
		return service;
	}

	/** The port actually bound (useful with port 0). */
	public int port() {
		return server.getAddress().getPort();
	}

	public ModelInfo model() {
		return model;
	}

	/** Jobs waiting in the queue now. */
	public int queuedJobs() {
		return queue.size();
	}

	/** Jobs running on the generator now. */
	public int runningJobs() {
		return runner.running.get();
	}

	private static Thread daemon(final Runnable r, final String name) {
		final Thread t = new Thread(r, name);
		t.setDaemon(true);
		return t;
	}

	// -- routing --

	/** The service log: one line per request (SLF4J; the CLI's provider prints it, Fiji routes it its own way). */
	private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(InferenceService.class);

	private void handle(final HttpExchange exchange) {
		final long start = System.nanoTime();
		try {
			try {
				route(exchange);
			}
			catch (final ApiException e) {
				sendError(exchange, e);
			}
			catch (final IOException e) {
				// The client went away or was too slow (read timeout); nobody to answer.
			}
			catch (final RuntimeException e) {
				sendError(exchange, new ApiException(500, "server_error", "internal_error",
					"Internal error: " + e, 0));
			}
		}
		finally {
			try {
				exchange.close();
			}
			catch (final RuntimeException e) {
				// closing a broken connection
			}
			final int status = exchange.getResponseCode();
			final String line = "{} {} {} {} ms from {}";
			final Object[] fields = { exchange.getRequestMethod(), exchange.getRequestURI().getPath(), status < 0
				? "(no answer: client gone)" : status, (System.nanoTime() - start) / 1_000_000, exchange
					.getRemoteAddress() == null ? "?" : exchange.getRemoteAddress().getAddress().getHostAddress() };
			if (status >= 500) LOG.warn(line, fields);
			else LOG.info(line, fields);
		}
	}

	private void route(final HttpExchange exchange) throws IOException {
		final String path = exchange.getRequestURI().getPath();
		final String method = exchange.getRequestMethod();
		if (path.equals("/health")) {
			requireMethod(method, "GET");
			health(exchange);
			return;
		}
		if (apiKey != null && !apiKey.accepts(exchange.getRequestHeaders().getFirst("Authorization")))
			throw ApiException.unauthorized();
		switch (path) {
			case "/v1/models" -> {
				requireMethod(method, "GET");
				sendJson(exchange, 200, models());
			}
			case "/v1/images/generations" -> {
				requireMethod(method, "POST");
				final JsonObject json = jsonBody(exchange);
				final RequestFields fields = RequestFields.of(json);
				run(exchange, requests.generation(fields), requests.stream(fields), requests.format(fields));
			}
			case "/v1/images/edits", "/v1/images/variations", "/v1/images/interpolations", "/v1/images/textdiffs" -> {
				requireMethod(method, "POST");
				final MultipartForm form = multipartBody(exchange);
				final RequestFields fields = RequestFields.of(form.fields);
				final Work work = switch (path) {
					case "/v1/images/edits" -> requests.edit(fields, form.files);
					case "/v1/images/variations" -> requests.variation(fields, form.files);
					case "/v1/images/interpolations" -> requests.interpolation(fields, form.files);
					default -> requests.textDiff(fields, form.files);
				};
				run(exchange, work, requests.stream(fields), requests.format(fields));
			}
			default -> {
				if (path.startsWith(RESULTS)) {
					requireMethod(method, "GET");
					result(exchange, path.substring(RESULTS.length()));
				}
				else if (path.startsWith("/v1/jobs/") && path.endsWith("/cancel")) {
					requireMethod(method, "POST");
					cancel(exchange, path.substring("/v1/jobs/".length(), path.length() - "/cancel".length()));
				}
				else throw new ApiException(404, "invalid_request_error", "not_found", "No endpoint " +
					path + "; see GET /v1/models, POST /v1/images/generations, /v1/images/edits, " +
					"/v1/images/variations, /v1/images/interpolations, /v1/images/textdiffs.", 0);
			}
		}
	}

	/** Where {@code response_format: "url"} images are downloaded, behind the same API key. */
	static final String RESULTS = "/v1/images/results/";

	private void result(final HttpExchange exchange, final String name) throws IOException {
		final byte[] png = results.get(name);
		if (png == null) throw new ApiException(404, "invalid_request_error", "result_not_found", "No image " +
			name + " here: result links last " + results.lifetime().toMinutes() + " minutes; generate it again.",
			0);
		exchange.getResponseHeaders().set("Content-Type", "image/png");
		exchange.getResponseHeaders().set("Cache-Control", "private, max-age=" + results.lifetime()
			.toSeconds());
		exchange.sendResponseHeaders(200, png.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(png);
		}
	}

	private static void requireMethod(final String method, final String expected) {
		if (!method.equals(expected)) throw ApiException.methodNotAllowed(method, expected);
	}

	private JsonObject jsonBody(final HttpExchange exchange) throws IOException {
		final String type = exchange.getRequestHeaders().getFirst("Content-Type");
		if (type == null || !type.toLowerCase().startsWith("application/json"))
			throw ApiException.unsupportedMediaType("Send the request as 'Content-Type: application/json'" +
				" (it was " + type + ").");
		final byte[] body = RequestBody.read(exchange, config.maxBodyBytes());
		try {
			final JsonElement json = JsonParser.parseString(new String(body, StandardCharsets.UTF_8));
			if (!json.isJsonObject()) throw ApiException.badRequest("invalid_json",
				"The request body must be a JSON object.");
			return json.getAsJsonObject();
		}
		catch (final JsonParseException e) {
			throw ApiException.badRequest("invalid_json", "The request body is not valid JSON: " + e
				.getMessage());
		}
	}

	private MultipartForm multipartBody(final HttpExchange exchange) throws IOException {
		final String type = exchange.getRequestHeaders().getFirst("Content-Type");
		if (type == null || !type.toLowerCase().startsWith("multipart/form-data"))
			throw ApiException.unsupportedMediaType("Send the request as multipart/form-data with the " +
				"image as a file part (it was " + type + ").");
		return MultipartForm.parse(type, RequestBody.read(exchange, config.maxBodyBytes()));
	}

	// -- endpoints --

	private void health(final HttpExchange exchange) throws IOException {
		final JsonObject json = new JsonObject();
		json.addProperty("status", shuttingDown ? "shutting_down" : "ok");
		json.addProperty("model", model.name());
		json.addProperty("queued", queue.size());
		json.addProperty("running", runner.running.get());
		json.addProperty("served", served.get());
		sendJson(exchange, shuttingDown ? 503 : 200, json);
	}

	private JsonObject models() {
		final JsonObject entry = new JsonObject();
		entry.addProperty("id", model.name());
		entry.addProperty("object", "model");
		entry.addProperty("created", 0);
		entry.addProperty("owned_by", "unclip");
		final JsonObject unclip = new JsonObject();
		unclip.addProperty("kind", model.kind());
		final JsonArray aliases = new JsonArray();
		config.modelAliases().forEach(aliases::add);
		unclip.add("aliases", aliases);
		unclip.addProperty("sha256", model.sha256());
		unclip.addProperty("resolution", model.resolution());
		if (model.sizeMultiple() > 0) unclip.addProperty("size_multiple", model.sizeMultiple());
		unclip.addProperty("default_steps", model.defaultSteps());
		unclip.addProperty("default_guidance", model.defaultGuidance());
		unclip.addProperty("default_scheduler", model.defaultScheduler());
		entry.add("unclip", unclip);
		final JsonArray data = new JsonArray();
		data.add(entry);
		final JsonObject json = new JsonObject();
		json.addProperty("object", "list");
		json.add("data", data);
		return json;
	}

	private void cancel(final HttpExchange exchange, final String id) throws IOException {
		final Job job = jobs.get(id);
		if (job == null) throw new ApiException(404, "invalid_request_error", "job_not_found", "No running " +
			"or waiting job '" + id + "' (it may have finished already).", 0);
		job.cancel(ApiException.cancelled("cancelled through /v1/jobs/" + id + "/cancel"));
		final JsonObject json = new JsonObject();
		json.addProperty("id", id);
		json.addProperty("status", "cancelled");
		sendJson(exchange, 200, json);
	}

	private void run(final HttpExchange exchange, final Work work, final boolean stream,
		final String format) throws IOException
	{
		final String accept = exchange.getRequestHeaders().getFirst("Accept");
		final boolean wantsEvents = stream || accept != null && accept.contains("text/event-stream");
		if (shuttingDown) throw ApiException.shuttingDown();
		final Job job = new Job(UUID.randomUUID().toString(), work, Instant.now().plus(config.deadline()));
		final LinkedBlockingQueue<JsonObject> events = new LinkedBlockingQueue<>();
		if (wantsEvents) job.addListener((stage, step, total) -> {
			final JsonObject p = new JsonObject();
			p.addProperty("stage", stage);
			p.addProperty("step", step);
			p.addProperty("total", total);
			// a slow reader loses progress events; it never blocks the generator
			if (events.size() < 256) events.offer(p);
		});
		jobs.put(job.id, job);
		try {
			if (!queue.offer(job)) {
				if (shuttingDown) throw ApiException.shuttingDown();
				final int waitImages = queue.size() + runner.running.get();
				throw ApiException.queueFull(Math.max(1, runner.secondsPerImage() * Math.max(1, waitImages) /
					Math.max(1, config.maxBatch())));
			}
			final ScheduledFuture<?> deadline = timer.schedule(() -> job.cancel(ApiException
				.deadlineExceeded(config.deadline().toSeconds())), config.deadline().toMillis(),
				TimeUnit.MILLISECONDS);
			try {
				exchange.getResponseHeaders().set("X-Unclip-Job", job.id);
				if (wantsEvents) streamJob(exchange, job, events, format);
				else {
					final ClientConnection client = ClientConnection.of(exchange);
					final GenerationResult result = await(job, client);
					if (client.mustClose()) exchange.getResponseHeaders().set("Connection", "close");
					sendJson(exchange, 200, response(result, job.work.size(), format, exchange));
				}
			}
			finally {
				deadline.cancel(false);
			}
		}
		finally {
			jobs.remove(job.id);
		}
	}

	private GenerationResult await(final Job job) {
		return await(job, null);
	}

	/** The job's images; a client that hangs up meanwhile (when {@code client} can tell) cancels the job. */
	private GenerationResult await(final Job job, final ClientConnection client) {
		try {
			if (client != null && client.watched()) while (true) {
				try {
					return job.outcome.get(HANG_UP_CHECK_MS, TimeUnit.MILLISECONDS);
				}
				catch (final java.util.concurrent.TimeoutException e) {
					if (client.hungUp()) job.cancel(ApiException.cancelled("the client disconnected"));
				}
			}
			return job.outcome.get();
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
			job.cancel(ApiException.shuttingDown());
			throw ApiException.shuttingDown();
		}
		catch (final ExecutionException e) {
			if (e.getCause() instanceof ApiException api) throw api;
			throw new ApiException(500, "server_error", "generation_failed", "Generation failed: " + e
				.getCause(), 0);
		}
	}

	private void streamJob(final HttpExchange exchange, final Job job,
		final LinkedBlockingQueue<JsonObject> events, final String format) throws IOException
	{
		exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
		exchange.getResponseHeaders().set("Cache-Control", "no-cache");
		exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
		exchange.sendResponseHeaders(200, 0);
		final EventStream stream = new EventStream(exchange.getResponseBody());
		try {
			final JsonObject started = new JsonObject();
			started.addProperty("id", job.id);
			stream.send("job", started);
			job.outcome.whenComplete((result, error) -> events.offer(FINISHED));
			while (true) {
				final JsonObject progress = events.poll(500, TimeUnit.MILLISECONDS);
				if (progress == FINISHED) break;
				if (progress != null) stream.send("progress", progress);
				else stream.keepAlive();
			}
			try {
				stream.send("result", response(await(job), job.work.size(), format, exchange));
			}
			catch (final ApiException e) {
				final JsonObject error = e.toJson();
				error.getAsJsonObject("error").addProperty("status", e.status);
				stream.send("error", error);
			}
		}
		catch (final IOException e) {
			job.cancel(ApiException.cancelled("the client disconnected"));
			throw e;
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
			job.cancel(ApiException.shuttingDown());
		}
	}

	/**
	 * The OpenAI-shaped answer: {@code b64_json}, a {@code url} on this server, or both when the client did
	 * not choose ({@code format} null).
	 */
	private JsonObject response(final GenerationResult result, final OutputSize size, final String format,
		final HttpExchange exchange)
	{
		final Map<String, String> provenance = result.provenance().toMap();
		final JsonArray data = new JsonArray();
		for (int i = 0; i < result.images().size(); i++) {
			final var image = result.images().get(i);
			final JsonObject item = new JsonObject();
			final boolean resample = size != null && !size.matches(image);
			final Map<String, String> text = new java.util.LinkedHashMap<>(provenance);
			final Double weight = result.provenance().weight(i);
			if (weight != null) text.put("unclip.weight", Double.toString(weight));
			if (resample) text.put("unclip.resampled_from", image.dimension(0) + "x" + image.dimension(1));
			final byte[] png = PngImages.encode(resample ? size.resample(image) : image, text);
			if (!"url".equals(format)) item.addProperty("b64_json", Base64.getEncoder().encodeToString(png));
			if (!"b64_json".equals(format)) item.addProperty("url", baseUrl(exchange) + RESULTS + results.put(
				png));
			data.add(item);
		}
		final JsonObject unclip = new JsonObject();
		provenance.forEach(unclip::addProperty);
		final JsonArray warnings = new JsonArray();
		result.warnings().forEach(warnings::add);
		unclip.add("warnings", warnings);
		final JsonObject json = new JsonObject();
		json.addProperty("created", Instant.now().getEpochSecond());
		json.add("data", data);
		json.add("unclip", unclip);
		served.incrementAndGet();
		return json;
	}

	// -- responses --

	/** This server as the client reached it (its Host header), for links in answers. */
	private String baseUrl(final HttpExchange exchange) {
		final String host = exchange.getRequestHeaders().getFirst("Host");
		return "http://" + (host != null && !host.isBlank() ? host : config.host() + ":" + port());
	}

	private static void sendError(final HttpExchange exchange, final ApiException e) {
		try {
			if (e.allow != null) exchange.getResponseHeaders().set("Allow", e.allow);
			if (e.retryAfterSeconds > 0) exchange.getResponseHeaders().set("Retry-After", Integer.toString(
				e.retryAfterSeconds));
			// the unread rest of an oversized body must not be taken for the next request
			if (e.status == 413) exchange.getResponseHeaders().set("Connection", "close");
			sendJson(exchange, e.status, e.toJson());
		}
		catch (final IOException | RuntimeException ignored) {
			// headers already sent or client gone
		}
	}

	private static void sendJson(final HttpExchange exchange, final int status, final JsonObject json)
		throws IOException
	{
		final byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, body.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(body);
		}
	}

	// -- shutdown --

	/**
	 * Graceful shutdown: refuses new work (503), lets waiting and running jobs finish for up to the grace
	 * period, cancels what is left, then closes the server. The generator is not closed.
	 */
	@Override
	public void close() {
		shuttingDown = true;
		queue.close();
		try {
			runnerThread.join(Math.max(1, config.shutdownGrace().toMillis()));
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		for (final Job job : queue.drain())
			job.cancel(ApiException.shuttingDown());
		for (final Job job : jobs.values())
			job.cancel(ApiException.shuttingDown());
		try {
			runnerThread.join(10_000);
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		// Handlers forget their job once its answer is written; wait for that rather than a fixed delay
		// (the JDK's stop(delay) waits the whole delay).
		final long answered = System.nanoTime() + 2_000_000_000L;
		while (!jobs.isEmpty() && System.nanoTime() < answered)
			try {
				Thread.sleep(10);
			}
			catch (final InterruptedException e) {
				Thread.currentThread().interrupt();
				break;
			}
		server.stop(0);
		handlers.shutdownNow();
		timer.shutdownNow();
	}
}
