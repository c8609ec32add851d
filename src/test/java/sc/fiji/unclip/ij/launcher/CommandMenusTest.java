package sc.fiji.unclip.ij.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.Menus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The launcher adds the commands to ImageJ 1.x at run time, each exactly once, and ships no
 * {@code plugins.config}: in Fiji, imagej-legacy lists the commands already, and a {@code plugins.config}
 * would give each a second menu entry.
 */
class CommandMenusTest {

	static final List<String> COMMANDS = List.of("Text to Image...", "Image Variations...",
		"Inpaint Selection...", "Interpolate...", "Edit by Description...", "unCLIP Settings...",
		"Reproduce from Info");

	@BeforeAll
	static void start() {
		LauncherFixture.start();
	}

	@Test
	void noPluginsConfigInTheSourcesTheClassesOrTheJar() throws IOException {
		for (final String dir : List.of("src/main/resources", "target/classes")) {
			final Path root = Path.of(dir);
			if (!Files.isDirectory(root)) continue;
			try (Stream<Path> files = Files.walk(root)) {
				assertEquals(List.of(), files.filter(p -> p.getFileName().toString().equals("plugins.config"))
					.toList(), "a plugins.config would add every command a second time in Fiji");
			}
		}
		assertNull(LegacyCommandBridge.class.getResource("/plugins.config"));
		final Path jar = Path.of("target/unclip.jar");
		if (Files.isRegularFile(jar)) try (ZipFile zip = new ZipFile(jar.toFile())) {
			assertTrue(Collections.list(zip.entries()).stream().noneMatch(e -> e.getName().endsWith(
				"plugins.config")), "target/unclip.jar holds a plugins.config");
		}
	}

	@Test
	void everyUnclipCommandIsInTheCommandTableOnceEvenAfterASecondInstall() {
		final List<String> first = CommandMenus.install(LauncherContext.get());
		final List<String> second = CommandMenus.install(LauncherContext.get());
		assertEquals(first, second);
		assertTrue(first.containsAll(COMMANDS), () -> "installed: " + first);
		assertEquals(first.size(), first.stream().distinct().count(), "a command installed twice: " + first);

		@SuppressWarnings("unchecked")
		final Hashtable<String, String> table = Menus.getCommands();
		for (final String command : COMMANDS) {
			// ours only: ImageJ's own "Interpolate" (Edit > Selection) shares a prefix with "Interpolate..."
			final long entries = table.entrySet().stream().filter(e -> e.getKey().startsWith(command.replace(
				"...", "")) && e.getValue().startsWith(LegacyCommandBridge.class.getName())).count();
			assertEquals(1, entries, command + " has " + entries + " entries in ImageJ's command table");
			assertTrue(table.get(command).startsWith(LegacyCommandBridge.class.getName() + "(\"sc.fiji.unclip.ij."),
				table.get(command));
		}
		assertTrue(table.get("Interpolate") == null || !table.get("Interpolate").startsWith(LegacyCommandBridge.class
			.getName()), "ImageJ's own Interpolate must stay ImageJ's");
		final long bridged = table.values().stream().filter(v -> v.startsWith(LegacyCommandBridge.class
			.getName())).count();
		assertEquals(first.size(), bridged);
	}

	@Test
	void onlyCommandsUnderPluginsUnclipAreInstalled() {
		for (final Map.Entry<String, String> e : commandTable().entrySet())
			if (e.getValue().startsWith(LegacyCommandBridge.class.getName())) assertTrue(CommandMenus.commands(
				LauncherContext.get()).stream().anyMatch(c -> CommandMenus.label(c).equals(e.getKey())), e
					.getKey());
		assertFalse(commandTable().isEmpty());
	}

	@Test
	void withoutADisplayImageJsOwnCommandsAreThereForMacrosToo() {
		final Hashtable<String, String> table = commandTable();
		assertEquals("ij.plugin.filter.Writer(\"png\")", table.get("PNG..."));
		assertEquals("ij.plugin.Converter(\"8-bit\")", table.get("8-bit"));
		assertEquals("ij.plugin.filter.Filters(\"invert\")", table.get("Invert"));
		assertEquals("ij.plugin.ScreenGrabber", table.get("Capture Screen"), "shortcut [G] belongs to the menu");
		assertTrue(table.size() > 300, "ImageJ lists several hundred commands; got " + table.size());
	}

	@SuppressWarnings("unchecked")
	private static Hashtable<String, String> commandTable() {
		return Menus.getCommands();
	}
}
