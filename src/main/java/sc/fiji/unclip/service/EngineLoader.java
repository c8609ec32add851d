package sc.fiji.unclip.service;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;

import sc.fiji.unclip.Generator;
import sc.fiji.unclip.UnclipException;

/**
 * Opens the embedded engine for {@code serve}, after making sure DJL stays offline. (Looked up by name
 * until the engine package and the service are built together; then this becomes a direct call.)
 */
final class EngineLoader {

	private EngineLoader() {}

	static Generator open(final Path modelDir) {
		System.setProperty("ai.djl.offline", "true");
		System.setProperty("OPT_OUT_TRACKING", "true");
		try {
			final Class<?> engine = Class.forName("sc.fiji.unclip.engine.EmbeddedGenerator");
			final Object generator = modelDir == null ? engine.getMethod("openDefault").invoke(null)
				: engine.getMethod("open", Path.class).invoke(null, modelDir);
			return (Generator) generator;
		}
		catch (final InvocationTargetException e) {
			if (e.getCause() instanceof RuntimeException r) throw r;
			throw new UnclipException("Cannot open the model: " + e.getCause(), e.getCause());
		}
		catch (final ReflectiveOperationException e) {
			throw new UnclipException("This build has no embedded engine (" + e + ").", e);
		}
	}
}
