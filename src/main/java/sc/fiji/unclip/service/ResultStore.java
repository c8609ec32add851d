package sc.fiji.unclip.service;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Result images kept for {@code response_format: "url"} (OpenAI's default): each PNG under an unguessable
 * name for a bounded time (OpenAI keeps its links an hour) and within a bounded total size, the oldest
 * dropped first, so that links cost the service a known amount of memory.
 */
final class ResultStore {

	private record Entry(byte[] png, long expiresAtNanos) {}

	private static final SecureRandom NAMES = new SecureRandom();

	private final Duration lifetime;
	private final long maxBytes;
	private final Map<String, Entry> entries = new LinkedHashMap<>();
	private long bytes;

	ResultStore(final Duration lifetime, final long maxBytes) {
		this.lifetime = lifetime;
		this.maxBytes = maxBytes;
	}

	/** Keeps a PNG; returns its name (32 hex digits + ".png"). */
	synchronized String put(final byte[] png) {
		expire(System.nanoTime());
		while (!entries.isEmpty() && bytes + png.length > maxBytes)
			remove(entries.keySet().iterator().next());
		final byte[] id = new byte[16];
		NAMES.nextBytes(id);
		final String name = HexFormat.of().formatHex(id) + ".png";
		entries.put(name, new Entry(png, System.nanoTime() + lifetime.toNanos()));
		bytes += png.length;
		return name;
	}

	/** The PNG under this name, or null when it never existed, expired or was pushed out. */
	synchronized byte[] get(final String name) {
		expire(System.nanoTime());
		final Entry e = entries.get(name);
		return e == null ? null : e.png();
	}

	Duration lifetime() {
		return lifetime;
	}

	private void expire(final long now) {
		for (final Iterator<Entry> it = entries.values().iterator(); it.hasNext();) {
			final Entry e = it.next();
			if (e.expiresAtNanos() - now > 0) break; // insertion order = expiry order
			bytes -= e.png().length;
			it.remove();
		}
	}

	private void remove(final String name) {
		final Entry e = entries.remove(name);
		if (e != null) bytes -= e.png().length;
	}
}
