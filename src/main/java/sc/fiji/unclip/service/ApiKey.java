package sc.fiji.unclip.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The bearer token clients must send. Compared in constant time so that response timing tells an attacker
 * nothing about how much of a guess was right.
 */
final class ApiKey {

	private final byte[] key;

	ApiKey(final String key) {
		if (key == null || key.isBlank()) throw new IllegalArgumentException("empty API key");
		this.key = key.strip().getBytes(StandardCharsets.UTF_8);
	}

	/** @param authorization the request's {@code Authorization} header, or null */
	boolean accepts(final String authorization) {
		if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
		final byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
		return MessageDigest.isEqual(key, given);
	}
}
