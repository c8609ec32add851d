package sc.fiji.unclip.ij;

import java.io.File;

import org.scijava.ItemVisibility;
import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.ui.UIService;

import sc.fiji.unclip.UnclipException;
import sc.fiji.unclip.engine.TorchSettings;

/**
 * Plugins › unCLIP › unCLIP Settings...: where pictures are made. The choice is checked now (a folder
 * without a manifest, a malformed URL) and remembered; the model loads or the service is contacted at the
 * next generation.
 */
@Plugin(type = Command.class, menuPath = "Plugins>unCLIP>unCLIP Settings...", headless = true)
public class SettingsCommand extends ContextCommand {

	@Parameter
	private UnclipService unclip;

	@Parameter
	private LogService log;

	@Parameter(required = false)
	private UIService ui;

	@Parameter(label = "Back end", choices = { Backend.BUNDLED, Backend.FOLDER, Backend.SERVICE })
	private String backend = Backend.BUNDLED;

	@Parameter(label = "Model folder", style = "directory", required = false,
		description = "A bundle folder holding unclip.json (for 'model folder')")
	private File model;

	@Parameter(label = "Service URL", required = false,
		description = "e.g. http://gpu-host:8080 (for 'service')")
	private String server = "";

	@Parameter(label = "API key", style = "password", required = false, persist = false,
		description = "Bearer token of the service; empty keeps the stored key (none stored: UNCLIP_API_KEY)")
	private String apikey = "";

	/** The engine's thread policy, shown (not asked) so a user sees what the machine gives and how to change it. */
	@Parameter(label = "Engine", visibility = ItemVisibility.MESSAGE, persist = false, required = false)
	private String engine = engineThreads();

	@Override
	public void run() {
		try {
			// the field never shows the stored key (a password), so an empty field means "unchanged"
			final String key = apikey == null || apikey.isBlank() ? unclip.backend().apiKey() : apikey;
			unclip.use(new Backend(backend, model == null ? "" : model.getPath(), server, key));
			log.info("unCLIP: using the " + unclip.backend().describe());
		}
		catch (final UnclipException e) {
			GenerationCommand.fail(this, ui, log, e.getMessage());
		}
	}

	private static String engineThreads() {
		TorchSettings.apply();
		return TorchSettings.description();
	}
}
