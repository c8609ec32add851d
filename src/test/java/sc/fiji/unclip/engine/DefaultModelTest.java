package sc.fiji.unclip.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled model is extracted from the class path once, into a folder named by its manifest hash. */
class DefaultModelTest {

	@Test
	void extractsTheBundledModelOnceAndItsHashesHold(@TempDir final Path cache) {
		final String before = System.getProperty(DefaultModel.CACHE_PROPERTY);
		System.setProperty(DefaultModel.CACHE_PROPERTY, cache.toString());
		try {
			final Path folder = DefaultModel.folder();
			assertTrue(folder.startsWith(cache), folder.toString());
			final Bundle extracted = Bundle.open(folder);
			final Bundle source = Bundle.open(BundledModel.FOLDER);
			assertEquals(source.sha256(), extracted.sha256());
			assertEquals(source.sha256(), folder.getFileName().toString());
			assertEquals(folder, DefaultModel.folder());
		}
		finally {
			if (before == null) System.clearProperty(DefaultModel.CACHE_PROPERTY);
			else System.setProperty(DefaultModel.CACHE_PROPERTY, before);
		}
	}

	@Test
	void aDamagedExtractedCopyIsExtractedAgain(@TempDir final Path cache) throws Exception {
		final String before = System.getProperty(DefaultModel.CACHE_PROPERTY);
		System.setProperty(DefaultModel.CACHE_PROPERTY, cache.toString());
		try {
			final Path folder = DefaultModel.folder();
			final Path decoder = folder.resolve("decoder.pt");
			final byte[] good = Files.readAllBytes(decoder);
			Files.write(decoder, new byte[] { 1, 2, 3 }, StandardOpenOption.APPEND);
			assertThrows(sc.fiji.unclip.UnclipException.class, () -> Bundle.open(folder));
			assertEquals(Bundle.open(BundledModel.FOLDER).sha256(), DefaultModel.bundle().sha256());
			assertTrue(java.util.Arrays.equals(good, Files.readAllBytes(decoder)), "decoder.pt restored");
			Files.delete(folder.resolve("prior.pt"));
			assertEquals(folder, DefaultModel.bundle().dir());
			assertTrue(Files.isRegularFile(folder.resolve("prior.pt")), "a deleted file is restored");
		}
		finally {
			if (before == null) System.clearProperty(DefaultModel.CACHE_PROPERTY);
			else System.setProperty(DefaultModel.CACHE_PROPERTY, before);
		}
	}

	@Test
	void aDamagedFolderTheUserChoseIsReportedNotRewritten(@TempDir final Path copy) throws Exception {
		try (var files = Files.list(BundledModel.FOLDER)) {
			for (final Path f : files.filter(Files::isRegularFile).toList())
				Files.copy(f, copy.resolve(f.getFileName()));
		}
		Files.write(copy.resolve("decoder.pt"), new byte[] { 1 }, StandardOpenOption.APPEND);
		System.setProperty(DefaultModel.PROPERTY, copy.toString());
		try {
			final var e = assertThrows(sc.fiji.unclip.UnclipException.class, DefaultModel::bundle);
			assertTrue(e.getMessage().contains("decoder.pt is damaged"), e.getMessage());
		}
		finally {
			System.clearProperty(DefaultModel.PROPERTY);
		}
	}
}
