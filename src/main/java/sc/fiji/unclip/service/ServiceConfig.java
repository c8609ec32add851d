package sc.fiji.unclip.service;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

import sc.fiji.unclip.UnclipException;

/**
 * Where the service listens and the limits that keep one user from exhausting it.
 *
 * @param host address to bind; anything but loopback requires {@code apiKey}
 * @param port TCP port, 0 for any free port
 * @param apiKey bearer token clients must send, or null for none (loopback only)
 * @param queueCapacity requests that may wait; more get 429 with {@code Retry-After}
 * @param maxBatch most images run through the network in one call
 * @param maxBatchWait how long the first request of a batch waits for others to join
 * @param deadline longest a request may wait and run before it is cancelled (504)
 * @param readTimeout longest a client may take to send its request (slow clients are closed); JVM-wide:
 *          the first service started in a JVM sets it (the JDK server reads it once)
 * @param maxBodyBytes largest request body (413 beyond)
 * @param maxPixels largest input image, width times height
 * @param maxPromptChars longest prompt
 * @param maxN most images per request
 * @param maxSteps most denoising steps per request
 * @param shutdownGrace how long shutdown waits for in-flight work before cancelling it
 * @param modelAliases other names a request's {@code model} may give for the served model (OpenAI clients
 *          send {@code dall-e-2})
 * @param resultLifetime how long an image answered with {@code response_format: "url"} stays downloadable
 * @param maxResultBytes most bytes of such images kept at once (the oldest go first)
 */
public record ServiceConfig(String host, int port, String apiKey, int queueCapacity, int maxBatch,
	Duration maxBatchWait, Duration deadline, Duration readTimeout, long maxBodyBytes, long maxPixels,
	int maxPromptChars, int maxN, int maxSteps, Duration shutdownGrace, java.util.List<String> modelAliases,
	Duration resultLifetime, long maxResultBytes)
{

	public ServiceConfig {
		modelAliases = java.util.List.copyOf(modelAliases);
	}

	public static ServiceConfig defaults() {
		return new ServiceConfig("127.0.0.1", 8080, null, 16, 8, Duration.ofMillis(25), Duration
			.ofMinutes(5), Duration.ofSeconds(15), 32L << 20, 2048L * 2048, 1000, 10, 250, Duration
				.ofSeconds(30), java.util.List.of("dall-e-2"), Duration.ofHours(1), 256L << 20);
	}

	public ServiceConfig withAddress(final String newHost, final int newPort) {
		return new ServiceConfig(newHost, newPort, apiKey, queueCapacity, maxBatch, maxBatchWait, deadline,
			readTimeout, maxBodyBytes, maxPixels, maxPromptChars, maxN, maxSteps, shutdownGrace, modelAliases, resultLifetime,
			maxResultBytes);
	}

	public ServiceConfig withApiKey(final String key) {
		return new ServiceConfig(host, port, key, queueCapacity, maxBatch, maxBatchWait, deadline,
			readTimeout, maxBodyBytes, maxPixels, maxPromptChars, maxN, maxSteps, shutdownGrace, modelAliases, resultLifetime,
			maxResultBytes);
	}

	public ServiceConfig withQueue(final int capacity, final int batch, final Duration batchWait) {
		return new ServiceConfig(host, port, apiKey, capacity, batch, batchWait, deadline, readTimeout,
			maxBodyBytes, maxPixels, maxPromptChars, maxN, maxSteps, shutdownGrace, modelAliases, resultLifetime,
			maxResultBytes);
	}

	public ServiceConfig withTimeouts(final Duration newDeadline, final Duration newReadTimeout) {
		return new ServiceConfig(host, port, apiKey, queueCapacity, maxBatch, maxBatchWait, newDeadline,
			newReadTimeout, maxBodyBytes, maxPixels, maxPromptChars, maxN, maxSteps, shutdownGrace, modelAliases, resultLifetime,
			maxResultBytes);
	}

	public ServiceConfig withMaxBodyBytes(final long bytes) {
		return new ServiceConfig(host, port, apiKey, queueCapacity, maxBatch, maxBatchWait, deadline,
			readTimeout, bytes, maxPixels, maxPromptChars, maxN, maxSteps, shutdownGrace, modelAliases, resultLifetime,
			maxResultBytes);
	}

	public ServiceConfig withModelAliases(final java.util.List<String> aliases) {
		return new ServiceConfig(host, port, apiKey, queueCapacity, maxBatch, maxBatchWait, deadline,
			readTimeout, maxBodyBytes, maxPixels, maxPromptChars, maxN, maxSteps, shutdownGrace, aliases,
			resultLifetime, maxResultBytes);
	}

	public ServiceConfig withResults(final Duration lifetime, final long maxBytes) {
		return new ServiceConfig(host, port, apiKey, queueCapacity, maxBatch, maxBatchWait, deadline,
			readTimeout, maxBodyBytes, maxPixels, maxPromptChars, maxN, maxSteps, shutdownGrace, modelAliases,
			lifetime, maxBytes);
	}

	/** @throws UnclipException if the service would listen beyond loopback without an API key */
	void requireKeyOffLoopback() {
		if (apiKey != null) return;
		final boolean loopback;
		try {
			loopback = InetAddress.getByName(host).isLoopbackAddress();
		}
		catch (final UnknownHostException e) {
			throw new UnclipException("Unknown host '" + host + "' for --host.", e);
		}
		if (!loopback) throw new UnclipException("Listening on " + host +
			" makes the service reachable from other machines, so it needs an API key: set the " +
			"UNCLIP_API_KEY environment variable or pass --api-key-file FILE.");
	}
}
