package sc.fiji.unclip.service;

import org.junit.jupiter.api.Assumptions;

import sc.fiji.unclip.Generator;

/** The embedded engine on the bundled model, shared by the tests that check what the service computes. */
final class RealEngine {

	private static Generator shared;

	private RealEngine() {}

	static synchronized Generator get() {
		if (shared == null) {
			Assumptions.assumeTrue(available(), "the embedded engine is not in this build yet");
			shared = EngineLoader.open(null);
		}
		return shared;
	}

	static boolean available() {
		try {
			Class.forName("sc.fiji.unclip.engine.EmbeddedGenerator");
			return true;
		}
		catch (final ClassNotFoundException e) {
			return false;
		}
	}
}
