package sc.fiji.unclip.engine;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Test classes that run the bundled model through one {@link EmbeddedGenerator}, opened before the class's
 * tests and closed after them: loading the five networks once per class instead of once per test.
 */
abstract class WithBundledGenerator {

	static EmbeddedGenerator generator;

	@BeforeAll
	static void openGenerator() {
		generator = EmbeddedGenerator.open(BundledModel.FOLDER);
	}

	@AfterAll
	static void closeGenerator() {
		generator.close();
	}
}
