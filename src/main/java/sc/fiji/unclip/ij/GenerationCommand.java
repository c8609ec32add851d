package sc.fiji.unclip.ij;

import ij.IJ;
import ij.ImagePlus;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.scijava.command.ContextCommand;
import org.scijava.log.LogService;
import org.scijava.plugin.Parameter;
import org.scijava.thread.ThreadService;
import org.scijava.ui.DialogPrompt;
import org.scijava.ui.UIService;

import sc.fiji.unclip.CancelledException;
import sc.fiji.unclip.Generator;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.UnclipException;

/**
 * What the unCLIP commands share: the generator from {@link UnclipService}, progress with Esc to cancel,
 * the new image shown through ImageJ 1.x ({@link ImageJOutput}) and the run recorded with every key
 * ({@link MacroRecording}), and the rule that a user's mistake ends the command with a message (a dialog in
 * the GUI, the cancel reason in macros and headless runs), never a stack trace and never a changed source
 * image.
 */
public abstract class GenerationCommand extends ContextCommand implements ImageMaker {

	public static final String MODEL_DEFAULT = "model default";
	/**
	 * The {@code layout} key of the embedding controls: start from the source inverted with DDIM (shapes stay
	 * where they are), or from noise.
	 */
	public static final String LAYOUT_KEEP = "keep", LAYOUT_FREE = "free";
	/** Seeds the commands pick themselves stay small enough to read and to type into a macro. */
	private static final long RANDOM_SEEDS = 1L << 31;

	@Parameter
	protected UnclipService unclip;

	@Parameter
	private LogService log;

	@Parameter(required = false)
	private UIService ui;

	@Parameter(required = false)
	private org.scijava.app.StatusService status;

	@Parameter(required = false)
	private ThreadService threads;

	private ImagePlus result;

	/**
	 * The command's work, with the shared generator and a progress listener that cancels on Esc: the new
	 * image, or null when the command changed the source in place.
	 */
	protected abstract ImagePlus generate(Generator generator, ImageJProgress progress);

	/** The menu name, as macros call it. */
	protected abstract String name();

	/** Every input a macro gives, as it was used (the seed picked for -1), in the dialog's order. */
	protected abstract Map<String, Object> options();

	/** The run's line, for the result's info. */
	protected final String macroLine() {
		return MacroLine.of(name(), options());
	}

	@Override
	public ImagePlus result() {
		return result;
	}

	@Override
	public final void run() {
		IJ.resetEscape();
		final ImageJProgress progress = new ImageJProgress(status);
		try {
			result = generate(unclip.generator(), progress);
			if (result != null) ImageJOutput.show(result, threads);
			MacroRecording.record(name(), options());
		}
		catch (final CancelledException e) {
			cancel("Cancelled; nothing was changed.");
		}
		catch (final UnclipException e) {
			fail(e.getMessage());
		}
		catch (final RuntimeException | OutOfMemoryError e) {
			log.error("unCLIP: " + getClass().getSimpleName() + " failed", e);
			fail("unCLIP failed: " + e + ". Nothing was changed; details are in the log.");
		}
		finally {
			progress.done();
		}
	}

	/**
	 * Ends the command with a message the user reads: a dialog where there is a user interface (and nothing
	 * on the console, which Fiji would pop up for an ordinary mistake), else the log; the cancel reason
	 * carries it to macros and the launcher either way.
	 */
	protected void fail(final String message) {
		fail(this, ui, log, message);
	}

	static void fail(final ContextCommand command, final UIService ui, final LogService log,
		final String message)
	{
		command.cancel(message);
		if (ui != null && !ui.isHeadless() && ui.getDefaultUI() != null) ui.showDialog(message, "unCLIP",
			DialogPrompt.MessageType.ERROR_MESSAGE);
		else log.error("unCLIP: " + message);
	}

	/** 0 and "model default" mean "follow the model", so recorded macros keep up with a better model. */
	protected static SamplingOptions sampling(final int steps, final double guidance,
		final String scheduler)
	{
		return new SamplingOptions(steps == 0 ? null : steps, guidance == 0 ? null : guidance,
			scheduler == null || scheduler.isBlank() || scheduler.equals(MODEL_DEFAULT) ? null : scheduler);
	}

	/** Whether a {@code layout} choice asks for DDIM inversion. */
	protected static boolean keepsLayout(final String layout) {
		if (LAYOUT_KEEP.equals(layout)) return true;
		if (LAYOUT_FREE.equals(layout)) return false;
		throw new UnclipException("Layout '" + layout + "' is not known; use " + LAYOUT_KEEP + " or " +
			LAYOUT_FREE + ".");
	}

	/** -1 picks a fresh seed; the command writes the seed it used back into its field for the recorder. */
	protected static long resolveSeed(final long seed) {
		if (seed < -1) throw new UnclipException("Seed " + seed +
			" is negative; use -1 for a random seed, or 0 or more to repeat a result.");
		return seed == -1 ? ThreadLocalRandom.current().nextLong(RANDOM_SEEDS) : seed;
	}
}
