package sc.fiji.unclip.ij.launcher;

import ij.IJ;
import ij.ImageJ;
import ij.Menus;
import ij.Prefs;

import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.scijava.Context;

import sc.fiji.unclip.engine.Offline;

/**
 * {@code java -jar unclip.jar imagej [ImageJ arguments]}: ImageJ 1.x with the unCLIP commands in
 * Plugins › unCLIP, for use without Fiji (whose imagej-legacy layer does this there). Arguments as for
 * {@code ij.ImageJ}: none opens the ImageJ window; {@code -batch file.ijm [arg]} runs a macro headless
 * (also on a desktop) and exits, with status 1 and the macro's error on stderr when it failed ({@code exit()}
 * in the macro ends it with status 0, as in ImageJ); {@code -macro}, {@code -eval}, {@code -run} and image
 * paths work as in ImageJ. Without a display, ImageJ 1.x cannot open dialogs: its own commands that need
 * one (e.g. {@code Duplicate...}) do not work in {@code -batch} mode; the unCLIP commands do.
 */
public final class ImageJLauncher {

	/** Exit status of a failed {@code -batch} macro (and of a missing macro file). */
	public static final int FAILED = 1;

	private ImageJLauncher() {}

	public static void main(final String[] args) {
		Offline.enforce();
		final int batch = indexOf(args, "-batch");
		if (batch >= 0) {
			// headless even on a desktop: a failing macro must end the process, not wait at an error dialog
			System.setProperty("java.awt.headless", "true");
			System.exit(batch(args, batch));
		}
		else gui(args);
	}

	/** Starts the context, then the ImageJ window with our menu, then passes the arguments on to ImageJ. */
	private static void gui(final String[] args) {
		if (GraphicsEnvironment.isHeadless()) {
			System.err.println("unclip imagej: no display for the ImageJ window; use -batch file.ijm to run a " +
				"macro without one (or start under xvfb-run)");
			System.exit(FAILED);
		}
		final Context context = startContext();
		ImageJ ij = IJ.getInstance();
		if (ij == null) {
			ij = new ImageJ(ImageJ.STANDALONE);
			ij.exitWhenQuitting(true);
		}
		CommandMenus.install(context);
		if (args.length > 0) ImageJ.main(args); // finds our window and just handles the arguments
	}

	/** Runs {@code -batch file.ijm [arg]} and returns the exit status. */
	static int batch(final String[] args, final int at) {
		if (at + 1 >= args.length) {
			System.err.println("unclip imagej: -batch needs a macro file: -batch file.ijm [argument]");
			return FAILED;
		}
		final Path file = Path.of(args[at + 1]);
		final String arg = at + 2 < args.length ? args[at + 2] : null;
		if (!Files.isRegularFile(file)) {
			System.err.println("unclip imagej: macro file " + file + " does not exist");
			return FAILED;
		}
		Prefs.load(null, null);
		if (GraphicsEnvironment.isHeadless()) System.setOut(BatchMacro.withoutDialogTraces(System.out));
		final Context context = startContext();
		// the command table ImageJ's run() looks names up in: without a display, built without AWT menus
		if (!GraphicsEnvironment.isHeadless()) Menus.getCommands();
		CommandMenus.install(context);
		try {
			final BatchMacro.Result result = BatchMacro.runFile(file, arg);
			if (result.failed()) {
				System.err.println(result.describe(file.getFileName().toString()));
				return FAILED;
			}
			if (result.returned() != null && !result.returned().isEmpty()) System.out.println(result.returned());
			return 0;
		}
		catch (final IOException e) {
			System.err.println("unclip imagej: cannot read " + file + ": " + e.getMessage());
			return FAILED;
		}
		finally {
			LauncherContext.dispose();
		}
	}

	/** One SciJava context with every plugin on the class path (0.2 to 0.6 s; -Dunclip.debug=true prints it). */
	static Context startContext() {
		final long t0 = System.nanoTime();
		final Context context = LauncherContext.get();
		if (Boolean.getBoolean("unclip.debug")) System.err.printf("unclip: SciJava context in %.2f s%n",
			(System.nanoTime() - t0) / 1e9);
		return context;
	}

	private static int indexOf(final String[] args, final String option) {
		final List<String> list = new ArrayList<>(Arrays.asList(args));
		for (int i = 0; i < list.size(); i++)
			if (list.get(i) != null && list.get(i).startsWith(option)) return i;
		return -1;
	}
}
