package sc.fiji.unclip.ij.launcher;

import ij.ImagePlus;
import ij.process.ImageProcessor;

import org.scijava.command.Command;
import org.scijava.command.ContextCommand;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.scijava.thread.ThreadService;

import sc.fiji.unclip.UnclipException;
import sc.fiji.unclip.ij.ImageJOutput;

/**
 * A tiny command with one input of each kind the bridge handles, to test the bridge without the model:
 * the output is the input image with {@code gain * count} added to every pixel, titled with the inputs.
 * {@code seed=-1} is replaced by 42 and written back, as the unCLIP commands do with a random seed.
 */
@Plugin(type = Command.class, menuPath = "Plugins>unCLIP>Test Echo...", headless = true)
public class EchoTestCommand extends ContextCommand {

	@Parameter(label = "Text")
	private String text = "hello";

	@Parameter(label = "Count", min = "1", max = "10")
	private int count = 1;

	@Parameter(label = "Seed", min = "-1")
	private long seed = -1;

	@Parameter(label = "Gain", min = "0", max = "2", stepSize = "0.25")
	private double gain = 1.0;

	@Parameter(label = "Mode", choices = { "add", "add twice" })
	private String mode = "add";

	@Parameter(label = "Invert")
	private boolean invert = false;

	@Parameter(label = "Secret", style = "password", required = false, persist = false)
	private String secret = "";

	@Parameter(label = "Image")
	private ImagePlus image;

	@Parameter
	private ThreadService threads;

	@Override
	public void run() {
		if (text.equals("cancel")) {
			cancel("Echo was asked to cancel: nothing was changed.");
			return;
		}
		if (text.equals("fail")) throw new UnclipException("Echo failed on purpose.");
		if (seed == -1) seed = 42;
		final ImageProcessor ip = image.getProcessor().duplicate();
		final double add = gain * count * (mode.equals("add twice") ? 2 : 1);
		ip.add(add);
		if (invert) ip.invert();
		final ImagePlus result = new ImagePlus("echo " + text + " " + count + " " + seed + " " + add + " " + invert, ip);
		result.setProperty("Info", "echo.text: " + text + "\necho.seed: " + seed + "\necho.secret: " + secret
			.length() + "\n");
		ImageJOutput.show(result, threads); // as the unCLIP commands show theirs
	}
}
