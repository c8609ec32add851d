package sc.fiji.unclip.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

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
			final Bundle source = Bundle.open(Fixture.BUNDLE);
			assertEquals(source.sha256(), extracted.sha256());
			assertEquals(source.sha256(), folder.getFileName().toString());
			assertEquals(folder, DefaultModel.folder());
		}
		finally {
			if (before == null) System.clearProperty(DefaultModel.CACHE_PROPERTY);
			else System.setProperty(DefaultModel.CACHE_PROPERTY, before);
		}
	}
}
