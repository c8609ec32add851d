package sc.fiji.unclip.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import sc.fiji.unclip.UnclipException;

/**
 * A model bundle folder (models/BUNDLE.md): its manifest and the promise that every file it names has the
 * sha256 the manifest says, checked before anything loads (a truncated download must not turn into
 * garbage images); large files already checked in the same version are not hashed again
 * ({@link VerifiedFiles}).
 */
public final class Bundle {

	public static final String MANIFEST = "unclip.json";
	public static final int FORMAT = 1;

	private final Path dir;
	private final JsonObject manifest;
	private final String sha256;

	private Bundle(final Path dir, final JsonObject manifest, final String sha256) {
		this.dir = dir;
		this.manifest = manifest;
		this.sha256 = sha256;
	}

	/** Reads the manifest and checks every file's hash. */
	public static Bundle open(final Path dir) {
		final Path manifestFile = dir.resolve(MANIFEST);
		if (!Files.isDirectory(dir)) throw new UnclipException("Model folder " + dir +
			" does not exist; point to a folder holding " + MANIFEST + ".");
		if (!Files.isRegularFile(manifestFile)) throw new UnclipException("No " + MANIFEST + " in " + dir +
			"; a model folder needs its manifest (see models/BUNDLE.md).");
		final JsonObject manifest;
		try (Reader reader = Files.newBufferedReader(manifestFile, StandardCharsets.UTF_8)) {
			manifest = JsonParser.parseReader(reader).getAsJsonObject();
		}
		catch (final IOException | JsonParseException | IllegalStateException e) {
			throw new UnclipException("Cannot read " + manifestFile + " as JSON: " + e.getMessage() +
				"; the model folder is damaged, copy it again.", e);
		}
		final Bundle bundle = new Bundle(dir, manifest, sha256(manifestFile));
		bundle.checkFormat();
		final VerifiedFiles verified = VerifiedFiles.user();
		for (final Map.Entry<String, String> file : bundle.files().entrySet())
			bundle.checkHash(file.getKey(), file.getValue(), verified);
		return bundle;
	}

	/** Every file the manifest names, with its expected sha256 (relative name to hash). */
	public Map<String, String> files() {
		return files(manifest, dir.resolve(MANIFEST).toString());
	}

	static Map<String, String> files(final JsonObject manifest, final String where) {
		final Map<String, String> files = new LinkedHashMap<>();
		try {
			final JsonObject tokenizer = manifest.getAsJsonObject("tokenizer");
			files.put(tokenizer.get("file").getAsString(), tokenizer.get("sha256").getAsString());
			for (final Map.Entry<String, com.google.gson.JsonElement> c : manifest.getAsJsonObject("components")
				.entrySet())
			{
				final JsonObject component = c.getValue().getAsJsonObject();
				files.put(component.get("file").getAsString(), component.get("sha256").getAsString());
			}
			if (manifest.has("files")) for (final Map.Entry<String, com.google.gson.JsonElement> f : manifest
				.getAsJsonObject("files").entrySet())
				files.put(f.getKey(), f.getValue().getAsString());
		}
		catch (final RuntimeException e) {
			throw new UnclipException(where + " lacks the tokenizer, components or file " +
				"hashes models/BUNDLE.md requires (" + e.getMessage() + ").", e);
		}
		return files;
	}

	private void checkFormat() {
		if (!manifest.has("format") || manifest.get("format").getAsInt() != FORMAT) throw new UnclipException(
			dir.resolve(MANIFEST) + " has bundle format " + manifest.get("format") + " but this version reads " +
				"format " + FORMAT + "; use a matching unCLIP for Fiji version.");
		for (final String key : new String[] { "name", "kind", "resolution", "stages", "defaults",
			"embedding_dim" })
			if (!manifest.has(key)) throw new UnclipException(dir.resolve(MANIFEST) + " has no '" + key +
				"' entry; the model folder is damaged or not an unCLIP bundle.");
	}

	/** @param verified large files checked before (null: hash every file) */
	private void checkHash(final String name, final String expected, final VerifiedFiles verified) {
		final Path file = dir.resolve(name).normalize();
		if (!file.startsWith(dir.normalize())) throw new UnclipException("Manifest file name '" + name +
			"' leaves the model folder " + dir + ".");
		if (!Files.isRegularFile(file)) throw new UnclipException("Model file " + file +
			" is missing; copy the whole model folder again.");
		if (verified != null && verified.holds(file, expected)) return;
		final String actual = sha256(file);
		if (!actual.equalsIgnoreCase(expected)) throw new UnclipException("Model file " + file +
			" is damaged (sha256 " + actual + ", the manifest expects " + expected +
			"); copy the model folder again.");
		if (verified != null) verified.remember(file, expected);
	}

	static String sha256(final Path file) {
		try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance(
			"SHA-256")))
		{
			in.transferTo(OutputStream.nullOutputStream());
			return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
		}
		catch (final NoSuchFileException e) {
			throw new UnclipException("Model file " + file + " is missing.", e);
		}
		catch (final IOException e) {
			throw new UnclipException("Cannot read model file " + file + ": " + e.getMessage(), e);
		}
		catch (final NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	public Path dir() {
		return dir;
	}

	public JsonObject manifest() {
		return manifest;
	}

	/** sha256 of the manifest, which pins every file's hash: the bundle's identity in provenance. */
	public String sha256() {
		return sha256;
	}

	public String name() {
		return manifest.get("name").getAsString();
	}

	public String kind() {
		return manifest.get("kind").getAsString();
	}

	public String version() {
		return manifest.has("version") ? manifest.get("version").getAsString() : "?";
	}
}
