package sc.fiji.unclip.service;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import com.google.gson.JsonObject;

/**
 * A server-sent-events response ({@code text/event-stream}): {@code job}, {@code progress}, then one
 * {@code result} or {@code error} event. A failed write means the client went away.
 */
final class EventStream {

	private final OutputStream out;

	EventStream(final OutputStream out) {
		this.out = out;
	}

	void send(final String event, final JsonObject data) throws IOException {
		out.write(("event: " + event + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
		out.flush();
	}

	/** A comment line: keeps proxies from timing out, and finds out early when the client has gone. */
	void keepAlive() throws IOException {
		out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
		out.flush();
	}
}
