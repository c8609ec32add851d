package sc.fiji.unclip.ij;

import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.prefs.PrefService;
import org.scijava.service.AbstractService;
import org.scijava.service.SciJavaService;
import org.scijava.service.Service;

import sc.fiji.unclip.Generator;
import sc.fiji.unclip.engine.Offline;

/**
 * Holds the one {@link Generator} the commands share, so the model is loaded once per Fiji session (a few
 * seconds and a few hundred MB) rather than once per command, and the back end the user chose in
 * {@code unCLIP Settings...}, remembered across sessions.
 */
@Plugin(type = Service.class)
public class UnclipService extends AbstractService implements SciJavaService {

	private static final String KIND = "backend", MODEL = "model", SERVER = "server", KEY = "apikey";

	@Parameter(required = false)
	private PrefService prefs;

	private Backend backend;
	private Generator generator;

	@Override
	public void initialize() {
		Offline.enforce(); // before anything can load DJL's engine
	}

	/** The back end in use: the one last chosen, or the bundled model. */
	public synchronized Backend backend() {
		if (backend == null) backend = remembered();
		return backend;
	}

	/** Switches back end (closing the current generator) and remembers the choice. */
	public synchronized void use(final Backend chosen) {
		if (chosen.equals(backend)) return;
		closeGenerator();
		backend = chosen;
		if (prefs != null) {
			prefs.put(UnclipService.class, KIND, chosen.kind());
			prefs.put(UnclipService.class, MODEL, chosen.model());
			prefs.put(UnclipService.class, SERVER, chosen.server());
			prefs.put(UnclipService.class, KEY, chosen.apiKey());
		}
	}

	/** The shared generator, opened on first use. */
	public synchronized Generator generator() {
		if (generator == null) generator = backend().open();
		return generator;
	}

	private Backend remembered() {
		if (prefs == null) return Backend.DEFAULT;
		try {
			return new Backend(prefs.get(UnclipService.class, KIND, Backend.BUNDLED), prefs.get(UnclipService.class,
				MODEL, ""), prefs.get(UnclipService.class, SERVER, ""), prefs.get(UnclipService.class, KEY, ""));
		}
		catch (final RuntimeException e) { // a bundle folder that has gone away: fall back, say so
			log().warn("unCLIP: remembered back end is no longer usable (" + e.getMessage() +
				"); using the bundled model.");
			return Backend.DEFAULT;
		}
	}

	private void closeGenerator() {
		if (generator != null) generator.close();
		generator = null;
	}

	@Override
	public synchronized void dispose() {
		closeGenerator();
	}
}
