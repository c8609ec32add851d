package sc.fiji.unclip.client;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** A {@code multipart/form-data} request body for the edits and variations endpoints. */
final class MultipartBody {

	private final String boundary = "unclip-" + UUID.randomUUID();
	private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

	MultipartBody field(final String name, final Object value) {
		if (value == null) return this;
		write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" +
			value + "\r\n");
		return this;
	}

	MultipartBody png(final String name, final byte[] png) {
		write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" +
			name + ".png\"\r\nContent-Type: image/png\r\n\r\n");
		bytes.writeBytes(png);
		write("\r\n");
		return this;
	}

	String contentType() {
		return "multipart/form-data; boundary=" + boundary;
	}

	byte[] finish() {
		write("--" + boundary + "--\r\n");
		return bytes.toByteArray();
	}

	private void write(final String s) {
		bytes.writeBytes(s.getBytes(StandardCharsets.UTF_8));
	}
}
