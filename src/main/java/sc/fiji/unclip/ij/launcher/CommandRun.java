package sc.fiji.unclip.ij.launcher;

import ij.ImagePlus;
import ij.WindowManager;
import ij.plugin.frame.RoiManager;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.scijava.Context;
import org.scijava.convert.ConvertService;
import org.scijava.module.Module;
import org.scijava.module.ModuleInfo;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleRunner;
import org.scijava.module.ModuleService;
import org.scijava.module.process.ModulePostprocessor;
import org.scijava.module.process.ModulePreprocessor;
import org.scijava.module.process.PostprocessorPlugin;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.plugin.PluginInfo;
import org.scijava.plugin.PluginService;
import org.scijava.thread.ThreadService;
import org.scijava.widget.InputHarvester;

import sc.fiji.unclip.UnclipException;

/**
 * One run of a SciJava command from ImageJ 1.x, the way imagej-legacy runs it in Fiji: inputs from the
 * macro options (keys = parameter names) or from a dialog, the current image for an {@code ImagePlus}
 * input, then SciJava's own pre- and postprocessors (services, remembered values, validation), with image
 * outputs displayed as Fiji displays them ({@link LegacyDisplays}), and the command on a SciJava thread of
 * its own while the caller waits (as {@code ModuleService.run} does there), so that what a macro sees after
 * the run is what it would see in Fiji.
 */
final class CommandRun {

	/** How a run ended: its outputs, or why it stopped ("" when the user closed the dialog). */
	record Outcome(Module module, String cancelReason) {

		boolean canceled() {
			return cancelReason != null;
		}
	}

	private final Context context;
	private final ModuleInfo info;
	private final String command;
	private final CommandInputs inputs;

	CommandRun(final Context context, final ModuleInfo info, final String command) {
		this.context = context;
		this.info = info;
		this.command = command;
		this.inputs = new CommandInputs(info, command);
	}

	CommandInputs inputs() {
		return inputs;
	}

	/**
	 * Runs the command. {@code options}: the macro's options, or null for a dialog ({@code dialog} false:
	 * neither, as when a headless caller gives no options: defaults and remembered values are used).
	 *
	 * @throws UnclipException for a user's mistake in the options or a missing image, before anything ran
	 */
	Outcome run(final String options, final boolean dialog) {
		final ModuleService modules = context.getService(ModuleService.class);
		final Module module = modules.createModule(info);
		if (module == null) throw new IllegalStateException("cannot create " + info.getDelegateClassName());
		final MacroOptions macro;
		try {
			macro = options == null ? null : MacroOptions.parse(options);
		}
		catch (final IllegalArgumentException e) {
			throw new UnclipException(command + ": " + e.getMessage() + ".");
		}
		if (macro != null) fromMacro(module, macro);
		fillImages(module, macro);
		fillContextual(module);

		final List<ModulePreprocessor> pre = new ArrayList<>();
		final PluginService plugins = context.getService(PluginService.class);
		DialogInputs harvester = null;
		if (options == null && dialog) {
			harvester = new DialogInputs(command, inputs);
			harvester.setContext(context);
		}
		// SciJava's preprocessors in priority order, the dialog where ImageJ2's input harvester runs: after
		// remembered values are loaded, before the values are checked and saved
		for (final PluginInfo<PreprocessorPlugin> p : plugins.getPluginsOfType(PreprocessorPlugin.class)) {
			if (harvester != null && p.getPriority() < InputHarvester.PRIORITY) {
				pre.add(harvester);
				harvester = null;
			}
			// file choosers of a UI this launcher does not have; the dialog asks for files instead
			final String name = p.getClassName();
			if (name.equals("org.scijava.ui.FilePreprocessor") || name.equals(
				"org.scijava.ui.FileListPreprocessor")) continue;
			final PreprocessorPlugin instance = plugins.createInstance(p);
			if (instance != null) pre.add(instance);
		}
		if (harvester != null) pre.add(harvester);
		final List<ModulePostprocessor> post = new ArrayList<>();
		for (final PostprocessorPlugin p : plugins.createInstancesOfType(PostprocessorPlugin.class)) {
			// where SciJava displays outputs, imagej-legacy's displays decide what ImageJ 1.x gets
			if (p.getClass().getName().equals("org.scijava.display.DisplayPostprocessor")) post.add(
				new LegacyDisplays());
			else post.add(p);
		}
		runOnSciJavaThread(new ModuleRunner(context, module, pre, post));
		final boolean canceled = module instanceof org.scijava.Cancelable && ((org.scijava.Cancelable) module)
			.isCanceled();
		if (!canceled) return new Outcome(module, null);
		final String reason = ((org.scijava.Cancelable) module).getCancelReason();
		return new Outcome(module, reason == null ? "" : reason);
	}

	private void runOnSciJavaThread(final ModuleRunner runner) {
		try {
			context.getService(ThreadService.class).run((Runnable) runner).get();
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new UnclipException(command + " was interrupted.");
		}
		catch (final ExecutionException e) {
			if (e.getCause() instanceof RuntimeException r) throw r;
			if (e.getCause() instanceof Error err) throw err;
			throw new IllegalStateException(e.getCause());
		}
	}

	/** Sets every input the macro names; the others keep the command's defaults (not remembered values). */
	private void fromMacro(final Module module, final MacroOptions options) {
		final List<String> keys = inputs.keys();
		for (final String key : options.values().keySet()) {
			if (find(key) == null) throw new UnclipException(command + ": unknown key '" + key +
				"'; the keys are " + String.join(", ", keys) + ".");
		}
		final ConvertService convert = context.getService(ConvertService.class);
		for (final ModuleItem<?> item : inputs.userInputs()) {
			final String text = options.values().get(item.getName().toLowerCase(java.util.Locale.US));
			if (text != null) module.setInput(item.getName(), inputs.convert(item, text, convert));
			// resolved either way: a macro never opens a dialog or loads what the user last typed
			module.resolveInput(item.getName());
		}
	}

	private ModuleItem<?> find(final String key) {
		for (final ModuleItem<?> item : info.inputs())
			if (item.getName().equalsIgnoreCase(key) && !CommandInputs.isContextual(item)) return item;
		return null;
	}

	/** The current image for each {@code ImagePlus} input, or the image a macro names by its title. */
	private void fillImages(final Module module, final MacroOptions options) {
		for (final ModuleItem<?> item : inputs.imageInputs()) {
			final String title = options == null ? null : options.values().get(item.getName().toLowerCase(
				java.util.Locale.US));
			final ImagePlus imp;
			if (title != null) {
				imp = WindowManager.getImage(title);
				if (imp == null) throw new UnclipException(command + ": there is no image titled '" + title +
					"' (" + item.getName() + "=" + title + ").");
			}
			else {
				final ImagePlus current = WindowManager.getCurrentImage();
				// a closed image can linger as a thread's current image after a macro closed it
				imp = current != null && current.getProcessor() != null ? current : null;
				// an optional image input stays empty (resolved, so that nothing "remembered" fills it) and the
				// command says what it needs
				if (imp == null && item.isRequired()) throw new UnclipException(command +
					" needs an image: open an image first.");
			}
			module.setInput(item.getName(), imp);
			module.resolveInput(item.getName());
		}
	}

	/** What imagej-legacy's preprocessors fill in Fiji: the ROI Manager. */
	private void fillContextual(final Module module) {
		for (final ModuleItem<?> item : info.inputs()) {
			if (!RoiManager.class.isAssignableFrom(item.getType())) continue;
			// the one the user (or the macro) opened; never a new one, which would open a window
			module.setInput(item.getName(), RoiManager.getRawInstance());
			module.resolveInput(item.getName());
		}
	}
}
