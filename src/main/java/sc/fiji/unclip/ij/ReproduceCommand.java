package sc.fiji.unclip.ij;

import ij.ImagePlus;

import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.scijava.command.Command;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.command.ContextCommand;
import org.scijava.plugin.Parameter;
import org.scijava.log.LogService;
import org.scijava.plugin.Plugin;
import org.scijava.ui.UIService;

import sc.fiji.unclip.ij.image.GeneratedLabel;

/**
 * Plugins › unCLIP › Reproduce from Info: makes a generated image again from the provenance in its info.
 * Text-to-image results are re-made directly; variations and inpainting need their source image, so for
 * those the command says which macro line to run on it.
 */
@Plugin(type = Command.class, menuPath = "Plugins>unCLIP>Reproduce from Info", headless = true)
public class ReproduceCommand extends ContextCommand implements ImageMaker {

	@Parameter
	private CommandService commands;

	@Parameter
	private LogService log;

	@Parameter(required = false)
	private UIService ui;

	@Parameter(label = "Image", required = false, description = "The current image")
	private ImagePlus image;

	private ImagePlus result;

	@Override
	public ImagePlus result() {
		return result;
	}

	private void fail(final String message) {
		GenerationCommand.fail(this, ui, log, message);
	}

	@Override
	public void run() {
		if (image == null) {
			fail("Reproduce from Info works on a generated image; open or select one first.");
			return;
		}
		final String mode = GeneratedLabel.value(image, "unclip.mode");
		final String line = GeneratedLabel.value(image, GeneratedLabel.MACRO_KEY);
		if (mode == null) {
			fail("'" + image.getTitle() + "' has no unCLIP provenance in its info (Image › Show Info); only " +
				"images made by unCLIP can be reproduced.");
			return;
		}
		if (!mode.equals("text")) {
			fail("'" + image.getTitle() + "' was made by " + mode + " from another image; open that image and " +
				"run: " + line);
			return;
		}
		try { // no pre/post-processing: Text to Image shows its new image itself, once
			final CommandModule module = commands.run(TextToImageCommand.class, false, Map.of("prompt",
				GeneratedLabel.value(image, "unclip.prompt"), "n", Integer.parseInt(GeneratedLabel.value(image,
					"unclip.n")), "seed", Long.parseLong(GeneratedLabel.value(image, "unclip.seed")), "steps", Integer
						.parseInt(GeneratedLabel.value(image, "unclip.steps")), "guidance", Double.parseDouble(
							GeneratedLabel.value(image, "unclip.guidance")), "scheduler", GeneratedLabel.value(image,
								"unclip.scheduler"))).get();
			if (module.isCanceled()) cancel(module.getCancelReason()); // already reported by that command
			else result = ((ImageMaker) module.getDelegateObject()).result();
		}
		catch (final InterruptedException | ExecutionException | RuntimeException e) {
			fail("Could not reproduce '" + image.getTitle() + "': " + e.getMessage());
		}
	}
}
