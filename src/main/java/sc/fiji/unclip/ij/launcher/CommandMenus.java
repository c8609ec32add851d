package sc.fiji.unclip.ij.launcher;

import ij.IJ;
import ij.ImageJ;
import ij.Menus;

import java.awt.Menu;
import java.awt.MenuItem;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;

import org.scijava.Context;
import org.scijava.MenuEntry;
import org.scijava.MenuPath;
import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;

/**
 * Puts the SciJava commands under {@code Plugins>unCLIP>} into ImageJ 1.x at run time: into the command
 * table that {@code run("Text to Image...", ...)} looks names up in, and into a Plugins › unCLIP submenu when
 * there is a menu bar. Deliberately not a {@code plugins.config}: in Fiji, imagej-legacy already lists the
 * commands, and a {@code plugins.config} in the jar would add every one a second time.
 */
public final class CommandMenus {

	/** The SciJava menu prefix whose commands the launcher installs. */
	public static final String PREFIX = "Plugins>unCLIP>";

	private CommandMenus() {}

	/** The commands to install: every command whose menu path starts with {@link #PREFIX}. */
	public static List<CommandInfo> commands(final Context context) {
		final List<CommandInfo> found = new ArrayList<>();
		for (final CommandInfo info : context.getService(CommandService.class).getCommands()) {
			final MenuPath path = info.getMenuPath();
			if (path == null || path.size() < 3) continue;
			final StringBuilder menus = new StringBuilder();
			for (int i = 0; i < path.size() - 1; i++)
				menus.append(path.get(i).getName()).append('>');
			if (menus.toString().startsWith(PREFIX)) found.add(info);
		}
		found.sort((a, b) -> Double.compare(b.getPriority(), a.getPriority()) != 0 ? Double.compare(b
			.getPriority(), a.getPriority()) : label(a).compareTo(label(b)));
		return found;
	}

	/** The ImageJ 1.x command name: the last menu entry, e.g. {@code Text to Image...}. */
	public static String label(final CommandInfo info) {
		final MenuPath path = info.getMenuPath();
		final MenuEntry leaf = path == null ? null : path.getLeaf();
		return leaf != null ? leaf.getName() : info.getTitle();
	}

	/** The table entry: our bridge plugin, with the command class as its argument. */
	static String tableEntry(final CommandInfo info) {
		return LegacyCommandBridge.class.getName() + "(\"" + info.getClassName() + "\")";
	}

	/**
	 * Installs the commands; again later installs nothing twice. Returns the labels installed.
	 *
	 * @throws IllegalStateException when an ImageJ 1.x command of the same name exists already
	 */
	public static synchronized List<String> install(final Context context) {
		final Hashtable<String, String> table = HeadlessCommandTable.get();
		final List<String> labels = new ArrayList<>();
		final List<CommandInfo> commands = commands(context);
		for (final CommandInfo info : commands) {
			final String label = label(info);
			final String entry = tableEntry(info);
			final String existing = table.get(label);
			if (existing != null && !existing.equals(entry)) throw new IllegalStateException("ImageJ already has a " +
				"command '" + label + "' (" + existing + "); " + info.getClassName() + " cannot be installed next to it");
			table.put(label, entry);
			labels.add(label);
		}
		addMenu(commands);
		return labels;
	}

	/** Plugins › unCLIP in the menu bar of the ImageJ window, when there is one. */
	private static void addMenu(final List<CommandInfo> commands) {
		final ImageJ ij = IJ.getInstance();
		if (ij == null || Menus.getMenuBar() == null) return;
		final Menu plugins = Menus.getImageJMenu("Plugins");
		if (plugins == null) return;
		Menu unclip = null;
		for (int i = 0; i < plugins.getItemCount(); i++)
			if (plugins.getItem(i) instanceof Menu && plugins.getItem(i).getLabel().equals("unCLIP"))
				unclip = (Menu) plugins.getItem(i);
		if (unclip == null) {
			unclip = new Menu("unCLIP");
			plugins.add(unclip);
		}
		for (final CommandInfo info : commands) {
			final String label = label(info);
			if (find(unclip, label) != null) continue;
			final MenuItem item = new MenuItem(label);
			item.addActionListener(ij); // ImageJ runs it like any menu command, on its own thread
			unclip.add(item);
		}
	}

	static MenuItem find(final Menu menu, final String label) {
		for (int i = 0; i < menu.getItemCount(); i++)
			if (menu.getItem(i).getLabel().equals(label)) return menu.getItem(i);
		return null;
	}
}
