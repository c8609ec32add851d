package sc.fiji.unclip.service;

import com.google.gson.JsonObject;

/**
 * A request the service answers with an OpenAI-shaped error, {@code {"error":{"message","type","code"}}},
 * so that existing OpenAI clients show the message.
 */
final class ApiException extends RuntimeException {

	final int status;
	final String type;
	final String code;
	/** Seconds for the {@code Retry-After} header, or 0 for none. */
	final int retryAfterSeconds;
	/** Methods for the {@code Allow} header of a 405 (RFC 9110 requires it), or null. */
	final String allow;

	ApiException(final int status, final String type, final String code, final String message,
		final int retryAfterSeconds)
	{
		this(status, type, code, message, retryAfterSeconds, null);
	}

	private ApiException(final int status, final String type, final String code, final String message,
		final int retryAfterSeconds, final String allow)
	{
		super(message);
		this.status = status;
		this.type = type;
		this.code = code;
		this.retryAfterSeconds = retryAfterSeconds;
		this.allow = allow;
	}

	static ApiException methodNotAllowed(final String method, final String allowed) {
		return new ApiException(405, "invalid_request_error", "method_not_allowed", "Use " + allowed +
			" for this endpoint, not " + method + ".", 0, allowed);
	}

	static ApiException badRequest(final String code, final String message) {
		return new ApiException(400, "invalid_request_error", code, message, 0);
	}

	static ApiException tooLarge(final String message) {
		return new ApiException(413, "invalid_request_error", "request_too_large", message, 0);
	}

	static ApiException unsupportedMediaType(final String message) {
		return new ApiException(415, "invalid_request_error", "unsupported_media_type", message, 0);
	}

	static ApiException unauthorized() {
		return new ApiException(401, "invalid_request_error", "invalid_api_key",
			"Missing or wrong API key: send it as 'Authorization: Bearer KEY' " +
				"(the key the service was started with).", 0);
	}

	static ApiException queueFull(final int retryAfterSeconds) {
		return new ApiException(429, "rate_limit_error", "queue_full",
			"The service is busy (its queue is full); retry after " + retryAfterSeconds + " s.",
			retryAfterSeconds);
	}

	static ApiException shuttingDown() {
		return new ApiException(503, "server_error", "shutting_down",
			"The service is shutting down; retry on another instance.", 5);
	}

	static ApiException deadlineExceeded(final long seconds) {
		return new ApiException(504, "server_error", "deadline_exceeded",
			"The request did not finish within the service's deadline of " + seconds +
				" s; ask for fewer steps or images.", 0);
	}

	static ApiException cancelled(final String why) {
		return new ApiException(409, "invalid_request_error", "cancelled", "Cancelled: " + why + ".", 0);
	}

	JsonObject toJson() {
		final JsonObject error = new JsonObject();
		error.addProperty("message", getMessage());
		error.addProperty("type", type);
		error.addProperty("code", code);
		final JsonObject body = new JsonObject();
		body.add("error", error);
		return body;
	}
}
