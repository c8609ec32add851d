package sc.fiji.unclip.ij.launcher;

import ij.ImagePlus;

import java.awt.GraphicsEnvironment;

import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.process.AbstractPostprocessorPlugin;

/**
 * What Fiji does with a command's {@code ImagePlus} outputs, in place of SciJava's display postprocessor:
 * imagej-legacy makes each an ImageJ2 display, and only its GUI shows that display as an ImageJ 1.x image
 * ({@code ImagePlusDisplayViewer} calls {@code show()}); headless, the output never reaches ImageJ 1.x, so a
 * macro does not see it. A command whose new image a macro must see shows it itself, as the unCLIP commands
 * do, and declares no image output.
 */
final class LegacyDisplays extends AbstractPostprocessorPlugin {

	@Override
	public void process(final Module module) {
		if (GraphicsEnvironment.isHeadless()) return;
		for (final ModuleItem<?> item : module.getInfo().outputs()) {
			if (module.isOutputResolved(item.getName())) continue;
			if (!(module.getOutput(item.getName()) instanceof ImagePlus imp)) continue;
			imp.show(); // as the viewer does: a second show() of a visible image does nothing
			module.resolveOutput(item.getName());
		}
	}
}
