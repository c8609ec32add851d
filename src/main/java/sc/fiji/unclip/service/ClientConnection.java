package sc.fiji.unclip.service;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The socket of a plain (not streamed) request, so that a client hanging up while its images are being
 * made cancels its job instead of letting the accelerator work for nobody. The JDK's HTTP server does not
 * expose its sockets; this reaches into it ({@code --add-opens jdk.httpserver/sun.net.httpserver}, which
 * the service jar's manifest declares) and, where that is not allowed, simply never reports a hang-up:
 * the request's deadline still bounds the work.
 */
final class ClientConnection {

	private static final Field IMPL = open(() -> Class.forName("sun.net.httpserver.HttpExchangeImpl")
		.getDeclaredField("impl"));
	private static final Method CONNECTION = open(() -> Class.forName("sun.net.httpserver.ExchangeImpl")
		.getDeclaredMethod("getConnection"));
	private static final Method CHANNEL = open(() -> Class.forName("sun.net.httpserver.HttpConnection")
		.getDeclaredMethod("getChannel"));

	private final SocketChannel channel;
	private boolean pipelined;

	private ClientConnection(final SocketChannel channel) {
		this.channel = channel;
	}

	static ClientConnection of(final HttpExchange exchange) {
		if (IMPL == null || CONNECTION == null || CHANNEL == null) return new ClientConnection(null);
		try {
			final Object impl = IMPL.get(exchange);
			return new ClientConnection((SocketChannel) CHANNEL.invoke(CONNECTION.invoke(impl)));
		}
		catch (final ReflectiveOperationException | RuntimeException e) { // HTTPS, another JDK: no watching
			return new ClientConnection(null);
		}
	}

	/** Whether hang-ups can be seen at all (for tests and the log). */
	boolean watched() {
		return channel != null;
	}

	/**
	 * True once the client has closed or reset the connection. The request body has been read, so the only
	 * bytes a waiting client may still send are a pipelined next request: one such byte is taken, the
	 * connection is then closed after this response ({@link #mustClose()}), and the client retries it.
	 */
	synchronized boolean hungUp() {
		if (channel == null || pipelined) return false;
		try {
			final boolean blocking = channel.isBlocking();
			if (blocking) channel.configureBlocking(false);
			try {
				final int read = channel.read(ByteBuffer.allocate(1));
				if (read > 0) pipelined = true;
				return read < 0;
			}
			finally {
				if (blocking) channel.configureBlocking(true);
			}
		}
		catch (final IOException e) { // reset by the peer
			return true;
		}
		catch (final RuntimeException e) { // the server changed the channel's mode under us: stop watching
			pipelined = true;
			return false;
		}
	}

	/** True when a byte of a pipelined request was taken: this response must close the connection. */
	synchronized boolean mustClose() {
		return pipelined;
	}

	/** How a member of the JDK's server is found; may fail on another JDK. */
	private interface Lookup<T extends AccessibleObject> {
		T find() throws ReflectiveOperationException;
	}

	/** The member, made accessible; null when this JDK has no such member or refuses access. */
	private static <T extends AccessibleObject> T open(final Lookup<T> lookup) {
		try {
			final T member = lookup.find();
			member.setAccessible(true);
			return member;
		}
		catch (final ReflectiveOperationException | RuntimeException e) {
			return null;
		}
	}
}
