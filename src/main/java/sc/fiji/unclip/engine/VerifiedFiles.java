package sc.fiji.unclip.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Properties;

/**
 * Large model files whose sha256 has already been checked, remembered per user with the file's size,
 * modification time and file key (inode), so that a 20 GB bundle is hashed once per version of its files
 * and not at every start: hashing the full-size Kandinsky 2.2 bundle (19.6 GB) took 34 s here, longer than
 * loading it. A file that was replaced, truncated or rewritten has another size, time or inode and is hashed
 * again. Small files (below {@link #MIN_BYTES}, every test bundle and the bundled model) are always hashed,
 * since that costs milliseconds. {@code -Dunclip.hashCache=false} hashes every file at every start.
 */
final class VerifiedFiles {

	/** Files at least this large are remembered once verified ({@code -Dunclip.hashCache.minBytes}). */
	static final long MIN_BYTES = 64L << 20;
	private static final String FILE = "verified-files.properties";

	private final Path store;
	private final long minBytes;
	/** The record as read at the first question (a bundle asks once per file). */
	private Properties known;

	VerifiedFiles(final Path store, final long minBytes) {
		this.store = store;
		this.minBytes = minBytes;
	}

	/** The user's record in the engine's cache folder, or null when switched off. */
	static VerifiedFiles user() {
		if (!Boolean.parseBoolean(System.getProperty("unclip.hashCache", "true"))) return null;
		return new VerifiedFiles(DefaultModel.cacheRoot().resolve(FILE), Long.getLong("unclip.hashCache.minBytes",
			MIN_BYTES));
	}

	/** Whether {@code file}, as it is now, was verified to have {@code sha256}. */
	boolean holds(final Path file, final String sha256) {
		final String version = version(file, sha256);
		if (version == null) return false;
		if (known == null) known = read();
		return version.equals(known.getProperty(key(file)));
	}

	/** Remembers that {@code file}, as it is now, has {@code sha256}; a record that cannot be written is skipped. */
	void remember(final Path file, final String sha256) {
		final String version = version(file, sha256);
		if (version == null) return;
		synchronized (VerifiedFiles.class) {
			// read again: another process may have added files since
			final Properties record = read();
			record.setProperty(key(file), version);
			known = record;
			try {
				Files.createDirectories(store.getParent());
				final Path temp = Files.createTempFile(store.getParent(), FILE, ".part");
				try (OutputStream out = Files.newOutputStream(temp)) {
					record.store(out, "unCLIP for Fiji: model files whose sha256 was checked");
				}
				Files.move(temp, store, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (final IOException | UnsupportedOperationException e) {
				// a read-only home: the file is hashed again next time, nothing else changes
			}
		}
	}

	/** size, modification time, file key and hash; null for a file too small to remember or unreadable. */
	private String version(final Path file, final String sha256) {
		try {
			final BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
			if (!a.isRegularFile() || a.size() < minBytes) return null;
			return a.size() + " " + a.lastModifiedTime().toInstant() + " " + a.fileKey() + " " + sha256
				.toLowerCase(java.util.Locale.ROOT);
		}
		catch (final IOException e) {
			return null;
		}
	}

	private static String key(final Path file) {
		return file.toAbsolutePath().normalize().toString();
	}

	private Properties read() {
		final Properties record = new Properties();
		if (Files.isRegularFile(store)) try (InputStream in = Files.newInputStream(store)) {
			record.load(in);
		}
		catch (final IOException | IllegalArgumentException e) {
			// a damaged record only means hashing again
		}
		return record;
	}
}
