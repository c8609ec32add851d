package sc.fiji.unclip.service;

import sc.fiji.unclip.Generator;
import sc.fiji.unclip.engine.EmbeddedGenerator;
import sc.fiji.unclip.engine.Offline;

/** The embedded engine on the bundled model, shared by the tests that check what the service computes. */
final class RealEngine {

	private static Generator shared;

	private RealEngine() {}

	static synchronized Generator get() {
		if (shared == null) {
			Offline.enforce();
			shared = EmbeddedGenerator.openDefault();
		}
		return shared;
	}
}
