package sc.fiji.unclip.ij;

import ij.IJ;
import ij.ImagePlus;
import ij.WindowManager;
import ij.macro.Interpreter;

import java.util.HashSet;
import java.util.Set;

import org.scijava.thread.ThreadService;

/**
 * Shows a command's new image through ImageJ 1.x itself, so that it reaches every caller the same way: a
 * window in the GUI, a batch-mode image in batch and headless macros ({@code getTitle()}, {@code nImages},
 * {@code selectImage} see it), once. The commands declare no image output: imagej-legacy would display such
 * an output again in the GUI (a second batch-mode entry) and not at all headless, where it stays an ImageJ2
 * display that no macro sees.
 */
public final class ImageJOutput {

	private ImageJOutput() {}

	/**
	 * Shows {@code image} where ImageJ 1.x is running (its window, a macro or batch mode); a bare SciJava
	 * context (a Java program, the unit tests) has nowhere to show it and keeps it as the command's result.
	 */
	public static void show(final ImagePlus image, final ThreadService threads) {
		final boolean batch = Interpreter.isBatchMode() || IJ.isMacro() && IJ.getInstance() == null;
		if (!batch && IJ.getInstance() == null) return;
		image.show();
		if (!batch || threads == null) return;
		// batch-mode images are "current" per thread: Fiji runs the command on a thread of its own, while the
		// macro that called it runs on an ancestor of that thread
		final Set<Thread> seen = new HashSet<>();
		for (Thread t = threads.getParent(Thread.currentThread()); t != null && seen.add(t); t = threads
			.getParent(t))
			WindowManager.setTempCurrentImage(t, image);
		// show() made the image this thread's current image too; the thread is pooled, and imagej-legacy fills
		// the next command's image input on it with WindowManager.getCurrentImage(): left here, a later command
		// of the macro would work on this result instead of the image the macro selected
		if (!seen.isEmpty()) WindowManager.setTempCurrentImage(null);
	}
}
