package sc.fiji.unclip.engine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import sc.fiji.unclip.UnclipException;

/**
 * Where the bundled default model ({@code shapes-tiny}) lives at run time. The build copies
 * {@code models/shapes-tiny} into the jar under {@value #RESOURCE}; the first use extracts it to
 * {@code ~/.cache/unclip/models/<manifest sha256>/} (hashes are checked again when the bundle opens).
 * {@code -Dunclip.model=DIR} or the environment variable {@code UNCLIP_MODEL} point to another folder.
 * A damaged extracted copy heals itself: the user cannot "copy the folder again" for a model that lives
 * inside the jar, so {@link #bundle()} extracts it afresh when a hash does not hold.
 */
public final class DefaultModel {

	public static final String RESOURCE = "/unclip/models/shapes-tiny/";
	public static final String PROPERTY = "unclip.model";
	public static final String ENV = "UNCLIP_MODEL";
	public static final String CACHE_PROPERTY = "unclip.cache";

	private DefaultModel() {}

	/**
	 * The default model, opened (hashes checked). The bundled copy is extracted once more when its cache
	 * was damaged (a file changed, truncated or deleted); a folder the user chose is reported as it is.
	 */
	public static synchronized Bundle bundle() {
		final Path folder = folder();
		if (chosen() != null) return Bundle.open(folder);
		try {
			return Bundle.open(folder);
		}
		catch (final UnclipException damaged) {
			discard(folder, damaged);
			return Bundle.open(folder());
		}
	}

	/** The engine's per-user cache folder ({@code -Dunclip.cache}, else {@code ~/.cache/unclip}). */
	static Path cacheRoot() {
		return Path.of(System.getProperty(CACHE_PROPERTY, System.getProperty("user.home") + "/.cache/unclip"));
	}

	/** The folder of the default model, extracted from the jar when needed. */
	public static synchronized Path folder() {
		final String chosen = chosen();
		if (chosen != null) return Path.of(chosen);
		final byte[] manifest = resource(Bundle.MANIFEST);
		final String sha = sha256(manifest);
		final Path cache = cacheRoot().resolve("models").resolve(sha);
		final Path done = cache.resolve(Bundle.MANIFEST);
		if (Files.isRegularFile(done)) return cache;
		try {
			Files.createDirectories(cache.getParent());
			final Path temp = Files.createTempDirectory(cache.getParent(), sha + ".part");
			final JsonObject json = JsonParser.parseString(new String(manifest,
				java.nio.charset.StandardCharsets.UTF_8)).getAsJsonObject();
			for (final Map.Entry<String, String> file : Bundle.files(json, "the default model").entrySet())
				try (InputStream in = stream(file.getKey())) {
					Files.copy(in, temp.resolve(file.getKey()), StandardCopyOption.REPLACE_EXISTING);
				}
			Files.write(temp.resolve(Bundle.MANIFEST), manifest);
			try {
				Files.move(temp, cache, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (final IOException e) {
				if (!Files.isRegularFile(done)) throw e; // another process won the race
			}
			return cache;
		}
		catch (final IOException e) {
			throw new UnclipException("Cannot extract the default model to " + cache + ": " + e.getMessage() +
				"; set -D" + CACHE_PROPERTY + "=DIR to a writable folder.", e);
		}
	}

	private static String chosen() {
		final String chosen = System.getProperty(PROPERTY, System.getenv(ENV));
		return chosen == null || chosen.isBlank() ? null : chosen;
	}

	/** Removes a damaged extracted copy so that {@link #folder()} extracts it again. */
	private static void discard(final Path folder, final UnclipException damaged) {
		try (var files = Files.walk(folder)) {
			for (final Path p : files.sorted(java.util.Comparator.reverseOrder()).toList())
				Files.deleteIfExists(p);
		}
		catch (final IOException e) {
			throw new UnclipException("The extracted default model in " + folder + " is damaged (" + damaged
				.getMessage() + ") and cannot be removed (" + e.getMessage() + "); delete that folder by hand.", e);
		}
	}

	private static InputStream stream(final String name) {
		final InputStream in = DefaultModel.class.getResourceAsStream(RESOURCE + name);
		if (in == null) throw new UnclipException("This build lacks the default model file " + name +
			"; rebuild with mvn package, or point -D" + PROPERTY + " at a model folder.");
		return in;
	}

	private static byte[] resource(final String name) {
		try (InputStream in = stream(name)) {
			return in.readAllBytes();
		}
		catch (final IOException e) {
			throw new UnclipException("Cannot read the default model from the jar: " + e.getMessage(), e);
		}
	}

	private static String sha256(final byte[] bytes) {
		try {
			return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(
				bytes));
		}
		catch (final java.security.NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
