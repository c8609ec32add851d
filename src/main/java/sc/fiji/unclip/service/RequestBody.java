package sc.fiji.unclip.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

import com.sun.net.httpserver.HttpExchange;

/**
 * Reads a request body up to a size limit, refusing early when {@code Content-Length} already says it is
 * too big. Slow senders are cut off by the server's request timer (see {@link InferenceService}).
 */
final class RequestBody {

	private RequestBody() {}

	static byte[] read(final HttpExchange exchange, final long maxBytes) throws IOException {
		final String length = exchange.getRequestHeaders().getFirst("Content-Length");
		if (length != null) {
			try {
				if (Long.parseLong(length.strip()) > maxBytes) throw tooLarge(maxBytes);
			}
			catch (final NumberFormatException e) {
				throw ApiException.badRequest("invalid_content_length", "Content-Length is not a number.");
			}
		}
		final ByteArrayOutputStream out = new ByteArrayOutputStream();
		final byte[] buffer = new byte[65536];
		try (InputStream in = exchange.getRequestBody()) {
			int read;
			while ((read = in.read(buffer)) >= 0) {
				out.write(buffer, 0, read);
				if (out.size() > maxBytes) throw tooLarge(maxBytes);
			}
		}
		return out.toByteArray();
	}

	private static ApiException tooLarge(final long maxBytes) {
		return ApiException.tooLarge("The request body is larger than this service's limit of " +
			maxBytes / (1 << 20) + " MiB; send a smaller image.");
	}
}
