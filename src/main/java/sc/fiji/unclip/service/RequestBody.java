package sc.fiji.unclip.service;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import com.sun.net.httpserver.HttpExchange;

/**
 * Reads a request body up to a size limit, refusing early when {@code Content-Length} already says it is
 * too big. Slow senders are cut off by the server's request timer (see {@link InferenceService}).
 */
final class RequestBody {

	private RequestBody() {}

	/**
	 * Bytes of an oversized body read and thrown away before answering 413: closing a socket with unread
	 * data makes the kernel reset the connection, and the client then loses the 413 itself.
	 */
	private static final long DISCARD_LIMIT = 16L << 20;

	static byte[] read(final HttpExchange exchange, final long maxBytes) throws IOException {
		final String length = exchange.getRequestHeaders().getFirst("Content-Length");
		long declared = -1;
		if (length != null) {
			try {
				declared = Long.parseLong(length.strip());
			}
			catch (final NumberFormatException e) {
				throw ApiException.badRequest("invalid_content_length", "Content-Length is not a number.");
			}
		}
		try (InputStream in = exchange.getRequestBody()) {
			if (declared > maxBytes) {
				if (declared <= maxBytes + DISCARD_LIMIT) in.transferTo(OutputStream.nullOutputStream());
				throw tooLarge(maxBytes);
			}
			final ByteArrayOutputStream out = new ByteArrayOutputStream();
			final byte[] buffer = new byte[65536];
			int read;
			while ((read = in.read(buffer)) >= 0) {
				out.write(buffer, 0, read);
				if (out.size() > maxBytes) {
					discard(in);
					throw tooLarge(maxBytes);
				}
			}
			return out.toByteArray();
		}
	}

	private static void discard(final InputStream in) throws IOException {
		final byte[] buffer = new byte[65536];
		long total = 0;
		int read;
		while (total < DISCARD_LIMIT && (read = in.read(buffer)) >= 0)
			total += read;
	}

	private static ApiException tooLarge(final long maxBytes) {
		return ApiException.tooLarge("The request body is larger than this service's limit of " +
			maxBytes / (1 << 20) + " MiB; send a smaller image.");
	}
}
