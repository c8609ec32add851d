package sc.fiji.unclip.ij.launcher;

import ij.IJ;
import ij.Menus;

import java.awt.GraphicsEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.util.Hashtable;
import java.util.Properties;

/**
 * ImageJ 1.x's command table for a JVM without a display. ImageJ 1.54 builds its command table while it
 * builds the AWT menu bar, which a headless JVM refuses; so {@code run("PNG...")} or our own commands
 * could not be found in {@code -batch} mode (Fiji patches ImageJ for this; plain ImageJ does not). This
 * class fills the same table without AWT: the menu entries ImageJ reads from {@code IJ_Props.txt}, plus the
 * entries {@code ij.Menus} adds in code, so that macros can use ImageJ's own commands next to ours.
 */
final class HeadlessCommandTable {

	/** Entries {@code ij.Menus.addMenuBar()} adds in code rather than from IJ_Props.txt (ImageJ 1.54). */
	private static final String[] BUILT_IN = {
		"16-bit", "ij.plugin.Converter(\"16-bit\")",
		"32-bit", "ij.plugin.Converter(\"32-bit\")",
		"8-bit", "ij.plugin.Converter(\"8-bit\")",
		"8-bit Color", "ij.plugin.Converter(\"8-bit Color\")",
		"About ImageJ...", "ij.plugin.AboutBox",
		"Analyze Particles...", "ij.plugin.filter.ParticleAnalyzer",
		"Calibrate...", "ij.plugin.filter.Calibrator",
		"Clear", "ij.plugin.filter.Filler(\"clear\")",
		"Clear Outside", "ij.plugin.filter.Filler(\"outside\")",
		"Clear Results", "ij.plugin.filter.Analyzer(\"clear\")",
		"Close", "ij.plugin.Commands(\"close\")",
		"Close All", "ij.plugin.Commands(\"close-all\")",
		"Copy", "ij.plugin.Clipboard(\"copy\")",
		"Crop", "ij.plugin.Resizer(\"crop\")",
		"Cut", "ij.plugin.Clipboard(\"cut\")",
		"Distribution...", "ij.plugin.Distribution",
		"Draw", "ij.plugin.filter.Filler(\"draw\")",
		"Duplicate...", "ij.plugin.Duplicator",
		"Enhance Contrast...", "ij.plugin.ContrastEnhancer",
		"Fill", "ij.plugin.filter.Filler(\"fill\")",
		"Find Edges", "ij.plugin.filter.Filters(\"edge\")",
		"Find Maxima...", "ij.plugin.filter.MaximumFinder",
		"HSB (32-bit)", "ij.plugin.Converter(\"HSB (32-bit)\")",
		"HSB Stack", "ij.plugin.Converter(\"HSB Stack\")",
		"Histogram", "ij.plugin.Histogram",
		"Image Calculator...", "ij.plugin.ImageCalculator",
		"Invert", "ij.plugin.filter.Filters(\"invert\")",
		"Lab Stack", "ij.plugin.Converter(\"Lab Stack\")",
		"Label", "ij.plugin.filter.Filler(\"label\")",
		"Measure", "ij.plugin.filter.Analyzer",
		"Open...", "ij.plugin.Commands(\"open\")",
		"Paste", "ij.plugin.Clipboard(\"paste\")",
		"Plot Profile", "ij.plugin.Profiler(\"plot\")",
		"Properties...", "ij.plugin.filter.ImageProperties",
		"RGB Color", "ij.plugin.Converter(\"RGB Color\")",
		"RGB Stack", "ij.plugin.Converter(\"RGB Stack\")",
		"Rename...", "ij.plugin.SimpleCommands(\"rename\")",
		"Revert", "ij.plugin.Commands(\"revert\")",
		"Save", "ij.plugin.Commands(\"save\")",
		"Scale...", "ij.plugin.Scaler",
		"Set Measurements...", "ij.plugin.filter.Analyzer(\"set\")",
		"Set Scale...", "ij.plugin.filter.ScaleDialog",
		"Sharpen", "ij.plugin.filter.Filters(\"sharpen\")",
		"Show Info...", "ij.plugin.ImageInfo",
		"Smooth", "ij.plugin.filter.Filters(\"smooth\")",
		"Subtract Background...", "ij.plugin.filter.BackgroundSubtracter",
		"Summarize", "ij.plugin.filter.Analyzer(\"sum\")",
		"Surface Plot...", "ij.plugin.SurfacePlotter",
		"Undo", "ij.plugin.Commands(\"undo\")", };

	private HeadlessCommandTable() {}

	/**
	 * ImageJ's command table, built the headless way if no one has built it yet; with a display, ImageJ's
	 * own (which also lists the plugins folder).
	 */
	@SuppressWarnings("unchecked")
	static synchronized Hashtable<String, String> get() {
		if (!GraphicsEnvironment.isHeadless()) return Menus.getCommands();
		Hashtable<String, String> table = Menus.getCommands();
		if (table != null) return table;
		table = build();
		try {
			final Field field = Menus.class.getDeclaredField("pluginsTable");
			field.setAccessible(true);
			field.set(null, table);
		}
		catch (final ReflectiveOperationException | RuntimeException e) {
			throw new IllegalStateException("this ImageJ 1.x (" + IJ.getVersion() +
				") has no Menus.pluginsTable to fill for headless macros", e);
		}
		return table;
	}

	static Hashtable<String, String> build() {
		final Hashtable<String, String> table = new Hashtable<>();
		for (int i = 0; i < BUILT_IN.length; i += 2)
			table.put(BUILT_IN[i], BUILT_IN[i + 1]);
		final Properties props = new Properties();
		try (InputStream in = IJ.class.getResourceAsStream("/IJ_Props.txt")) {
			if (in != null) props.load(in);
		}
		catch (final IOException e) {
			throw new IllegalStateException("cannot read IJ_Props.txt from ImageJ's jar", e);
		}
		for (final String key : props.stringPropertyNames()) {
			final String value = props.getProperty(key);
			// menu entries look like: save10="PNG...",ij.plugin.filter.Writer("png")
			if (!value.startsWith("\"") || !key.matches("[a-z_ -]+[0-9][0-9]")) continue;
			final int comma = value.lastIndexOf(',');
			if (comma <= 1 || value.charAt(comma - 1) != '"') continue;
			String command = value.substring(1, comma - 1);
			if (command.equals("-")) continue;
			command = withoutShortcut(command);
			final String className = value.substring(comma + 1).trim();
			if (!className.isEmpty()) table.putIfAbsent(command, className);
		}
		return table;
	}

	/** "Capture Screen[G]" is the command "Capture Screen" with shortcut G; "In [+]" keeps its brackets. */
	private static String withoutShortcut(final String command) {
		if (!command.endsWith("]")) return command;
		final int open = command.lastIndexOf('[');
		if (open <= 0) return command;
		final int code = Menus.convertShortcutToCode(command.substring(open + 1, command.length() - 1));
		final boolean functionKey = code >= java.awt.event.KeyEvent.VK_F1 &&
			code <= java.awt.event.KeyEvent.VK_F12;
		return code > 0 && !functionKey ? command.substring(0, open) : command;
	}
}
