package sc.fiji.unclip.ij;

import ij.IJ;
import ij.ImagePlus;
import ij.Macro;
import ij.plugin.frame.RoiManager;

import org.scijava.Context;
import org.scijava.Priority;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.process.AbstractPreprocessorPlugin;
import org.scijava.module.process.PreprocessorPlugin;
import org.scijava.plugin.Plugin;
import org.scijava.service.Service;

/**
 * Keys a macro line leaves out take the command's defaults, in Fiji as in the project's launcher. Without
 * this, imagej-legacy leaves such inputs open: its GUI then opens the command's dialog in the middle of the
 * macro, and headless Fiji fills them with the values last used in a dialog. Runs after imagej-legacy's
 * macro preprocessor has set the keys the line gives, and before remembered values are loaded; a key it
 * could not read (e.g. {@code n=abc}) cancels the run with a message naming it. Only for the unCLIP
 * commands, and only when a macro gives options ({@code run("Text to Image...")} alone still shows the
 * dialog, as in ImageJ).
 */
@Plugin(type = PreprocessorPlugin.class, priority = Priority.LOW)
public class MacroDefaults extends AbstractPreprocessorPlugin {

	@Override
	public void process(final Module module) {
		if (!module.getInfo().getDelegateClassName().startsWith(MacroDefaults.class.getPackageName() + ".") ||
			!IJ.isMacro()) return;
		final String options = Macro.getOptions();
		if (options == null) return;
		for (final ModuleItem<?> item : module.getInfo().inputs()) {
			final String name = item.getName();
			if (filledByFiji(item)) continue;
			final String given = Macro.getValue(options, name, null);
			// imagej-legacy leaves a value it cannot convert open, and converts "abc" to 0 for a number
			if (given != null && (!module.isInputResolved(name) || !readable(item, given.trim()))) {
				cancel(module.getInfo().getMenuPath().getLeaf().getName() + ": '" + name + "=" + given.trim() +
					"' is not valid; " + name + " must be " + expected(item) + ".");
				return;
			}
			module.resolveInput(name); // keeps the value the command starts with
		}
	}

	private static boolean readable(final ModuleItem<?> item, final String text) {
		final Class<?> type = item.getType();
		if (type != int.class && type != long.class && type != double.class && type != float.class) return true;
		try {
			new java.math.BigDecimal(text);
			return true;
		}
		catch (final NumberFormatException e) {
			return false;
		}
	}

	/** Services, the current image and the ROI Manager come from the running application. */
	private static boolean filledByFiji(final ModuleItem<?> item) {
		final Class<?> type = item.getType();
		return Service.class.isAssignableFrom(type) || Context.class.isAssignableFrom(type) || ImagePlus.class
			.isAssignableFrom(type) || RoiManager.class.isAssignableFrom(type);
	}

	private static String expected(final ModuleItem<?> item) {
		final Class<?> type = item.getType();
		if (type == int.class || type == long.class) return "a whole number";
		if (type == double.class || type == float.class) return "a number";
		if (type == boolean.class) return "true or false";
		return "a " + type.getSimpleName();
	}
}
