package sc.fiji.unclip.ij;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.scijava.Context;
import org.scijava.command.Command;
import org.scijava.command.CommandModule;
import org.scijava.command.CommandService;
import org.scijava.prefs.PrefService;

/**
 * A headless SciJava context with the unCLIP commands, run through {@link CommandService} with pre- and
 * post-processing as in Fiji. Remembered values are cleared first, so each run sees the inputs it is given
 * plus the commands' own defaults.
 */
final class PluginContext implements AutoCloseable, AfterAllCallback {

	final Context context = new Context(CommandService.class, UnclipService.class, PrefService.class,
		org.scijava.app.StatusService.class);
	final CommandService commands = context.service(CommandService.class);
	final UnclipService unclip = context.service(UnclipService.class);

	PluginContext() {
		forgetRememberedValues();
	}

	/** Forgets what earlier runs remembered (SciJava persists inputs, also failed ones). */
	void forgetRememberedValues() {
		final PrefService prefs = context.service(PrefService.class);
		for (final Class<?> c : new Class<?>[] { TextToImageCommand.class, ImageVariationsCommand.class,
			InpaintSelectionCommand.class, InterpolateCommand.class, EditByDescriptionCommand.class,
			SettingsCommand.class, ReproduceCommand.class, UnclipService.class })
			prefs.clear(c);
	}

	CommandModule run(final Class<? extends Command> command, final Object... keyValues) {
		forgetRememberedValues();
		final Map<String, Object> inputs = new HashMap<>();
		for (int i = 0; i < keyValues.length; i += 2)
			inputs.put((String) keyValues[i], keyValues[i + 1]);
		try {
			return commands.run(command, true, inputs).get();
		}
		catch (final InterruptedException | ExecutionException e) {
			throw new AssertionError(e);
		}
	}

	/** Runs a command that must succeed and returns the image it made (null for one that makes none). */
	ImagePlus result(final Class<? extends Command> command, final Object... keyValues) {
		final CommandModule module = run(command, keyValues);
		assertFalse(module.isCanceled(), () -> "cancelled: " + module.getCancelReason());
		return module.getDelegateObject() instanceof ImageMaker maker ? maker.result() : null;
	}

	/** Runs a command that must fail with a message containing {@code expected}; returns the message. */
	String failure(final String expected, final Class<? extends Command> command, final Object... keyValues) {
		final CommandModule module = run(command, keyValues);
		assertTrue(module.isCanceled(), "the command should have failed with: " + expected);
		final String reason = module.getCancelReason();
		assertTrue(reason != null && reason.toLowerCase().contains(expected.toLowerCase()), () -> "message '" +
			reason + "' should contain '" + expected + "'");
		return reason;
	}

	@Override
	public void close() {
		context.dispose();
	}

	/** As a test class's {@code @RegisterExtension} static field: one context (and model) per class. */
	@Override
	public void afterAll(final ExtensionContext extension) {
		close();
	}
}
