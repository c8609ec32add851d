package sc.fiji.unclip.ij.launcher;

import ij.IJ;
import ij.ImageJ;
import ij.ImagePlus;
import ij.Menus;
import ij.WindowManager;
import ij.gui.GenericDialog;
import ij.gui.OvalRoi;
import ij.plugin.frame.Recorder;
import ij.process.ColorProcessor;

import java.awt.Button;
import java.awt.EventQueue;
import java.awt.Menu;
import java.awt.MenuBar;
import java.awt.MenuItem;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.TextField;
import java.awt.Toolkit;
import java.awt.Window;
import java.awt.event.ActionEvent;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Vector;
import java.util.function.Supplier;

import javax.imageio.ImageIO;

/**
 * A user at the ImageJ window, for the tests under Xvfb: starts the launcher's GUI in this JVM, then uses
 * the Plugins › unCLIP menu items, their dialogs and ImageJ's recorder the way a person would (menu
 * actions, typing into fields, OK), and writes what happened to the folder given as first argument.
 * <ul>
 * <li>{@code record}: Text to Image with the recorder open; writes {@code recorded.txt} (the recorder's
 * text) and {@code gui-result.tif}.</li>
 * <li>{@code inpaint}: an image with an oval selection, Inpaint Selection; writes the screenshots
 * {@code inpaint-selection-dialog.png} (dialog open) and {@code inpaint-selection.png} (result shown).</li>
 * <li>{@code escape}: a long Text to Image run, Esc pressed on the ImageJ window once it makes progress;
 * writes {@code escape.txt} (the status bar afterwards, how many images appeared, seconds to stop).</li>
 * <li>{@code errors}: mistakes in the GUI (no image open, no selection, a bad number typed in a dialog);
 * writes {@code errors.txt}, one line per mistake: the title of the error dialog that opened, its
 * message.</li>
 * </ul>
 * Exits 0 when done, 1 with the reason on stderr otherwise.
 */
public final class GuiSession {

	private static final long TIMEOUT_MS = 60_000;

	private GuiSession() {}

	public static void main(final String[] args) throws Exception {
		final Path out = Path.of(args[0]);
		Files.createDirectories(out);
		try {
			ImageJLauncher.main(new String[0]);
			final Menu unclip = waitFor("the Plugins > unCLIP menu", () -> unclipMenu());
			Files.writeString(out.resolve("menu.txt"), items(unclip));
			for (int i = 1; i < args.length; i++) {
				if (args[i].equals("record")) record(unclip, out);
				else if (args[i].equals("inpaint")) inpaint(unclip, out);
				else if (args[i].equals("escape")) escape(unclip, out);
				else if (args[i].equals("errors")) errors(unclip, out);
				else if (args[i].equals("every")) everyCommand(out);
				else throw new IllegalArgumentException("unknown scenario " + args[i]);
			}
			System.exit(0);
		}
		catch (final Throwable t) {
			t.printStackTrace();
			System.exit(1);
		}
	}

	private static void record(final Menu unclip, final Path out) throws Exception {
		IJ.run("Record...");
		waitFor("the recorder", () -> Recorder.getInstance());
		click(CommandMenus.find(unclip, "Text to Image..."));
		final GenericDialog gd = waitFor("the Text to Image dialog", () -> dialog("Text to Image"));
		type(gd, 0, "two red circles"); // prompt
		typeNumber(gd, 0, "1"); // n
		typeNumber(gd, 1, "-1"); // seed: random, the one used must be the one recorded
		ok(gd);
		final ImagePlus result = waitFor("the generated image", () -> image("unCLIP - "));
		final String text = waitFor("the recorded line", () -> {
			final String t = Recorder.getInstance().getText();
			return t.contains("run(\"Text to Image...\"") ? t : null;
		});
		Files.writeString(out.resolve("recorded.txt"), text);
		IJ.saveAs(result, "Tiff", out.resolve("gui-result.tif").toString());

		// the dialog again: it remembers what was typed; Cancel records and makes nothing
		final int images = ids().length;
		click(CommandMenus.find(unclip, "Text to Image..."));
		final GenericDialog again = waitFor("the Text to Image dialog again", () -> dialog("Text to Image"));
		@SuppressWarnings("unchecked")
		final Vector<TextField> strings = again.getStringFields(), numbers = again.getNumericFields();
		final String remembered = "prompt=" + strings.get(0).getText() + "\nseed=" + numbers.get(1).getText() + "\n";
		final Button cancel = again.getButtons()[1];
		EventQueue.invokeLater(() -> cancel.dispatchEvent(new ActionEvent(cancel, ActionEvent.ACTION_PERFORMED,
			cancel.getLabel())));
		waitFor("the dialog to close", () -> again.isShowing() ? null : true);
		Thread.sleep(1000);
		Files.writeString(out.resolve("remembered.txt"), remembered + "recorder=" + Recorder.getInstance()
			.getText().split("run\\(\"Text to Image", -1).length + "\nnew images=" + (ids().length - images) +
			"\n");
	}

	/**
	 * macros/every-command.ijm with the ImageJ window open (its batch mode, as in Fiji's GUI), then one
	 * command outside batch mode: how many windows it opens.
	 */
	private static void everyCommand(final Path out) throws Exception {
		final BatchMacro.Result r = BatchMacro.runFile(LauncherFixture.macros().resolve("every-command.ijm"), out
			.resolve("batch").toString());
		if (r.failed()) throw new AssertionError(r.describe("every-command.ijm"));
		BatchMacro.run("close(\"*\");", null);
		final BatchMacro.Result one = BatchMacro.run("run(\"Text to Image...\", \"prompt=[a red circle on a " +
			"blue background] seed=7\");\nreturn getTitle();", null);
		if (one.failed()) throw new AssertionError(one.describe("Text to Image outside batch mode"));
		Thread.sleep(1000); // a second window would have opened by now
		int windows = 0;
		for (final Window w : Window.getWindows())
			if (w instanceof ij.gui.ImageWindow && w.isShowing()) windows++;
		Files.writeString(out.resolve("windows.txt"), "title=" + one.returned() + "\nimages=" + ids().length +
			"\nwindows=" + windows + "\n");
		IJ.saveAs(WindowManager.getCurrentImage(), "PNG", out.resolve("window.png").toString());
	}

	private static void inpaint(final Menu unclip, final Path out) throws Exception {
		IJ.getInstance().setLocation(10, 10);
		final ImagePlus scene = scene();
		scene.show();
		waitFor("the scene's window", () -> scene.getWindow() != null && scene.getWindow().isShowing() ? scene
			: null);
		IJ.run(scene, "Set... ", "zoom=300 x=48 y=48");
		scene.getWindow().setLocation(10, IJ.getInstance().getBounds().height + 20);
		scene.setRoi(new OvalRoi(30, 30, 36, 36));
		WindowManager.setCurrentWindow(scene.getWindow());
		final ImagePlus before = scene.duplicate();
		final java.util.Set<Integer> existing = new java.util.HashSet<>();
		for (final int id : ids())
			existing.add(id);

		click(CommandMenus.find(unclip, "Inpaint Selection..."));
		final GenericDialog gd = waitFor("the Inpaint Selection dialog", () -> dialog("Inpaint Selection"));
		type(gd, 0, "a yellow square"); // prompt
		typeNumber(gd, 0, "1"); // n
		typeNumber(gd, 1, "5"); // seed
		choose(gd, 1, "new image"); // output
		choose(gd, 2, "selection"); // regions
		Thread.sleep(800); // let the dialog paint
		screenshot(out.resolve("inpaint-selection-dialog.png"));
		ok(gd);
		final ImagePlus result = waitFor("the inpainted image", () -> {
			for (final int id : ids()) {
				final ImagePlus imp = WindowManager.getImage(id);
				if (imp != null && !existing.contains(id) && imp.getWindow() != null && imp.getWindow().isShowing())
					return imp;
			}
			return null;
		});
		IJ.run(result, "Set... ", "zoom=300 x=48 y=48");
		final Rectangle s = scene.getWindow().getBounds();
		result.getWindow().setLocation(s.x + s.width + 10, s.y);
		WindowManager.setCurrentWindow(result.getWindow());
		Thread.sleep(1500); // let the windows paint
		screenshot(out.resolve("inpaint-selection.png"));
		IJ.saveAs(result, "Tiff", out.resolve("inpaint-result.tif").toString());
		if (!java.util.Arrays.equals((int[]) before.getProcessor().getPixels(), (int[]) scene.getProcessor()
			.getPixels())) throw new AssertionError("the source image changed");
	}

	private static void escape(final Menu unclip, final Path out) throws Exception {
		click(CommandMenus.find(unclip, "Text to Image..."));
		final GenericDialog gd = waitFor("the Text to Image dialog", () -> dialog("Text to Image"));
		typeNumber(gd, 0, "16"); // n
		typeNumber(gd, 1, "1"); // seed
		typeNumber(gd, 2, "1000"); // steps: far longer than the test waits
		ok(gd);
		waitFor("progress on the status bar", () -> ImageJ.getStatusBarText().contains("step") ? true : null);
		final long pressed = System.nanoTime();
		final ImageJ window = IJ.getInstance();
		EventQueue.invokeAndWait(() -> window.dispatchEvent(new java.awt.event.KeyEvent(window,
			java.awt.event.KeyEvent.KEY_PRESSED, System.currentTimeMillis(), 0, java.awt.event.KeyEvent.VK_ESCAPE,
			java.awt.event.KeyEvent.CHAR_UNDEFINED)));
		final String status = waitFor("the command to stop", () -> {
			final String s = ImageJ.getStatusBarText();
			return s.startsWith("Cancelled") ? s : null;
		});
		final double seconds = (System.nanoTime() - pressed) / 1e9;
		Thread.sleep(1000); // an image would have been shown by now
		Files.writeString(out.resolve("escape.txt"), "status=" + status + "\nimages=" + ids().length +
			"\nseconds=" + seconds + "\n");
	}

	private static void errors(final Menu unclip, final Path out) throws Exception {
		final StringBuilder report = new StringBuilder();
		// 1. no image open (the command's image input is optional, so its dialog may come first)
		click(CommandMenus.find(unclip, "Image Variations..."));
		final long end = System.currentTimeMillis() + 10_000;
		while (System.currentTimeMillis() < end && errorDialog() == null) {
			final GenericDialog first = dialog("Image Variations");
			if (first != null) {
				ok(first);
				break;
			}
			Thread.sleep(100);
		}
		report.append(closeError()).append('\n');
		// 2. an image without a selection
		final ImagePlus scene = scene();
		scene.show();
		waitFor("the scene's window", () -> scene.getWindow() != null && scene.getWindow().isShowing() ? scene
			: null);
		final ImagePlus before = scene.duplicate();
		click(CommandMenus.find(unclip, "Inpaint Selection..."));
		GenericDialog gd = waitFor("the Inpaint Selection dialog", () -> dialog("Inpaint Selection"));
		choose(gd, 2, "selection"); // regions
		ok(gd);
		report.append(closeError()).append('\n');
		// 3. a bad number typed into the dialog
		click(CommandMenus.find(unclip, "Text to Image..."));
		gd = waitFor("the Text to Image dialog", () -> dialog("Text to Image"));
		typeNumber(gd, 0, "abc"); // n
		ok(gd);
		report.append(closeError()).append('\n');
		report.append("unchanged=").append(java.util.Arrays.equals((int[]) before.getProcessor().getPixels(),
			(int[]) scene.getProcessor().getPixels())).append('\n');
		report.append("images=").append(ids().length).append('\n');
		Files.writeString(out.resolve("errors.txt"), report.toString());
	}

	/** Waits for ImageJ's error dialog, closes it with its button; returns "title: message". */
	private static String closeError() throws Exception {
		final java.awt.Dialog d = waitFor("an error dialog", GuiSession::errorDialog);
		final String text = d.getTitle() + ": " + LegacyCommandBridge.lastFailure();
		final Button button = button(d);
		if (button == null) throw new AssertionError("the error dialog has no button");
		EventQueue.invokeLater(() -> button.dispatchEvent(new ActionEvent(button, ActionEvent.ACTION_PERFORMED,
			button.getLabel())));
		waitFor("the error dialog to close", () -> d.isShowing() ? null : true);
		Thread.sleep(300); // the command's thread finishes
		return text;
	}

	private static Button button(final java.awt.Container container) {
		for (final java.awt.Component c : container.getComponents()) {
			if (c instanceof Button) return (Button) c;
			if (c instanceof java.awt.Container) {
				final Button inner = button((java.awt.Container) c);
				if (inner != null) return inner;
			}
		}
		return null;
	}

	private static java.awt.Dialog errorDialog() {
		for (final Window w : Window.getWindows())
			if (w instanceof ij.gui.MessageDialog && w.isShowing()) return (java.awt.Dialog) w;
		return null;
	}

	/** A 96 x 96 scene: a red disc on blue, the kind of picture the bundled model knows. */
	static ImagePlus scene() {
		final ColorProcessor ip = new ColorProcessor(96, 96);
		for (int y = 0; y < 96; y++)
			for (int x = 0; x < 96; x++) {
				final int dx = x - 48, dy = y - 48;
				ip.set(x, y, dx * dx + dy * dy < 26 * 26 ? 0xe02020 : 0x2030c0);
			}
		return new ImagePlus("scene.png", ip);
	}

	private static int[] ids() {
		final int[] ids = WindowManager.getIDList();
		return ids == null ? new int[0] : ids;
	}

	private static ImagePlus image(final String titlePrefix) {
		for (final int id : ids()) {
			final ImagePlus imp = WindowManager.getImage(id);
			if (imp != null && imp.getTitle().startsWith(titlePrefix) && imp.getWindow() != null) return imp;
		}
		return null;
	}

	private static Menu unclipMenu() {
		final MenuBar bar = Menus.getMenuBar();
		if (bar == null) return null;
		for (int i = 0; i < bar.getMenuCount(); i++) {
			final Menu m = bar.getMenu(i);
			if (!m.getLabel().equals("Plugins")) continue;
			for (int j = 0; j < m.getItemCount(); j++)
				if (m.getItem(j) instanceof Menu && m.getItem(j).getLabel().equals("unCLIP")) return (Menu) m.getItem(j);
		}
		return null;
	}

	private static String items(final Menu menu) {
		final StringBuilder sb = new StringBuilder();
		for (int i = 0; i < menu.getItemCount(); i++)
			sb.append(menu.getItem(i).getLabel()).append('\n');
		return sb.toString();
	}

	/** What choosing the menu item does: an action event through AWT's event queue. */
	private static void click(final MenuItem item) {
		if (item == null) throw new AssertionError("no such menu item");
		Toolkit.getDefaultToolkit().getSystemEventQueue().postEvent(new ActionEvent(item,
			ActionEvent.ACTION_PERFORMED, item.getActionCommand()));
	}

	private static GenericDialog dialog(final String title) {
		for (final Window w : Window.getWindows())
			if (w instanceof GenericDialog && w.isShowing() && title.equals(((GenericDialog) w).getTitle()))
				return (GenericDialog) w;
		return null;
	}

	@SuppressWarnings("unchecked")
	private static void type(final GenericDialog gd, final int index, final String text) throws Exception {
		final Vector<TextField> fields = gd.getStringFields();
		EventQueue.invokeAndWait(() -> fields.get(index).setText(text));
	}

	@SuppressWarnings("unchecked")
	private static void typeNumber(final GenericDialog gd, final int index, final String text) throws Exception {
		final Vector<TextField> fields = gd.getNumericFields();
		EventQueue.invokeAndWait(() -> fields.get(index).setText(text));
	}

	@SuppressWarnings("unchecked")
	private static void choose(final GenericDialog gd, final int index, final String item) throws Exception {
		final Vector<java.awt.Choice> choices = gd.getChoices();
		EventQueue.invokeAndWait(() -> choices.get(index).select(item));
	}

	private static void ok(final GenericDialog gd) {
		final Button ok = gd.getButtons()[0];
		EventQueue.invokeLater(() -> ok.dispatchEvent(new ActionEvent(ok, ActionEvent.ACTION_PERFORMED, ok
			.getLabel())));
	}

	private static void screenshot(final Path file) throws Exception {
		final Rectangle screen = new Rectangle(Toolkit.getDefaultToolkit().getScreenSize());
		final BufferedImage shot = new Robot().createScreenCapture(screen);
		ImageIO.write(crop(shot), "png", file.toFile());
	}

	/** The part of the screen with windows on it (Xvfb's background is black). */
	private static BufferedImage crop(final BufferedImage shot) {
		int maxX = 0, maxY = 0;
		for (final Window w : Window.getWindows()) {
			if (!w.isShowing()) continue;
			final Rectangle b = w.getBounds();
			maxX = Math.max(maxX, b.x + b.width);
			maxY = Math.max(maxY, b.y + b.height);
		}
		final int w = Math.min(shot.getWidth(), maxX + 10), h = Math.min(shot.getHeight(), maxY + 10);
		return w > 50 && h > 50 ? shot.getSubimage(0, 0, w, h) : shot;
	}

	private static <T> T waitFor(final String what, final Supplier<T> probe) throws InterruptedException {
		final long end = System.currentTimeMillis() + TIMEOUT_MS;
		while (System.currentTimeMillis() < end) {
			final T value = probe.get();
			if (value != null) return value;
			Thread.sleep(100);
		}
		throw new AssertionError("timed out waiting for " + what + "; windows: " + windows());
	}

	private static String windows() {
		final StringBuilder sb = new StringBuilder();
		for (final Window w : Window.getWindows())
			if (w.isShowing()) sb.append('[').append(w.getClass().getSimpleName()).append(' ').append(
				w instanceof java.awt.Frame ? ((java.awt.Frame) w).getTitle() : w instanceof java.awt.Dialog
					? ((java.awt.Dialog) w).getTitle() : "").append("] ");
		return sb.toString();
	}
}
