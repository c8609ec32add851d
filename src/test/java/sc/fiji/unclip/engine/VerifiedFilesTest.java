package sc.fiji.unclip.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.unclip.UnclipException;

/**
 * A large file verified once is trusted while it stays the same file in the same version; any change a
 * download, a copy or an edit makes (size, time, inode) sends it back to hashing, and small files always are.
 */
class VerifiedFilesTest {

	@TempDir
	Path dir;

	private Path file(final String name, final int bytes) throws IOException {
		final byte[] data = new byte[bytes];
		for (int i = 0; i < bytes; i++)
			data[i] = (byte) (i * 31);
		return Files.write(dir.resolve(name), data);
	}

	@Test
	void aVerifiedFileHoldsUntilItChanges() throws IOException {
		final VerifiedFiles verified = new VerifiedFiles(dir.resolve("cache/record.properties"), 100);
		final Path weights = file("decoder.pt", 1000);
		final String sha = Bundle.sha256(weights);
		assertFalse(verified.holds(weights, sha), "nothing remembered yet");
		verified.remember(weights, sha);
		assertTrue(verified.holds(weights, sha));
		assertTrue(new VerifiedFiles(dir.resolve("cache/record.properties"), 100).holds(weights, sha),
			"remembered on disk, for the next start");
		assertFalse(verified.holds(weights, "0".repeat(64)), "another expected hash");

		Files.write(weights, new byte[] { 1 }, StandardOpenOption.APPEND);
		assertFalse(verified.holds(weights, sha), "a longer file");
	}

	@Test
	void aReplacedFileOfTheSameSizeAndTimeIsNotTrusted() throws IOException {
		final VerifiedFiles verified = new VerifiedFiles(dir.resolve("record.properties"), 100);
		final Path weights = file("decoder.pt", 1000);
		final String sha = Bundle.sha256(weights);
		verified.remember(weights, sha);
		final FileTime time = Files.getLastModifiedTime(weights);
		final Path other = file("other.pt", 1000);
		Files.write(other, new byte[] { 9, 9, 9 }, StandardOpenOption.WRITE);
		Files.setLastModifiedTime(other, time);
		Files.move(other, weights, StandardCopyOption.REPLACE_EXISTING);
		assertFalse(verified.holds(weights, sha), "same size and time, another inode");
	}

	@Test
	void smallFilesAreNeverRemembered() throws IOException {
		final VerifiedFiles verified = new VerifiedFiles(dir.resolve("record.properties"), 100);
		final Path tokenizer = file("tokenizer.json", 99);
		final String sha = Bundle.sha256(tokenizer);
		verified.remember(tokenizer, sha);
		assertFalse(verified.holds(tokenizer, sha));
	}

	@Test
	void aBundleWhoseLargeFileWasDamagedAfterItsCheckIsRefused() throws IOException {
		final Path bundle = dir.resolve("bundle");
		copyTree(DefaultModel.folder(), bundle);
		final String cache = System.getProperty(DefaultModel.CACHE_PROPERTY), min = System.getProperty(
			"unclip.hashCache.minBytes");
		try {
			System.setProperty(DefaultModel.CACHE_PROPERTY, dir.resolve("cache").toString());
			System.setProperty("unclip.hashCache.minBytes", "1000");
			Bundle.open(bundle);
			assertTrue(Files.isRegularFile(dir.resolve("cache/verified-files.properties")), "large files remembered");
			Bundle.open(bundle);
			final Path decoder;
			try (var files = Files.list(bundle)) {
				decoder = files.filter(f -> f.toString().endsWith(".pt")).findFirst().orElseThrow();
			}
			final byte[] bytes = Files.readAllBytes(decoder);
			bytes[bytes.length / 2] ^= 1;
			Files.write(decoder, bytes);
			final UnclipException e = assertThrows(UnclipException.class, () -> Bundle.open(bundle));
			assertTrue(e.getMessage().contains(decoder.getFileName().toString()) && e.getMessage().contains(
				"damaged"), e.getMessage());
		}
		finally {
			restore(DefaultModel.CACHE_PROPERTY, cache);
			restore("unclip.hashCache.minBytes", min);
		}
	}

	private static void restore(final String key, final String value) {
		if (value == null) System.clearProperty(key);
		else System.setProperty(key, value);
	}

	private static void copyTree(final Path from, final Path to) throws IOException {
		Files.createDirectories(to);
		try (var files = Files.list(from)) {
			for (final Path f : (Iterable<Path>) files::iterator)
				Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
		}
	}
}
