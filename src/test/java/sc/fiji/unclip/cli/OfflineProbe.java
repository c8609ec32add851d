package sc.fiji.unclip.cli;

import java.nio.file.Path;

import sc.fiji.unclip.engine.EmbeddedGenerator;

/**
 * Run in a fresh JVM without any -D flags by {@link MainTest}: starts the engine from one entry point
 * ({@code cli ARGS...}, {@code generator BUNDLE} or {@code plugin}) and prints DJL's no-network properties afterwards.
 */
public final class OfflineProbe {

	private OfflineProbe() {}

	/** The Fiji entry point: a SciJava context and a command run through CommandService. */
	private static void runPluginCommand() {
		try (org.scijava.Context context = new org.scijava.Context(org.scijava.command.CommandService.class,
			sc.fiji.unclip.ij.UnclipService.class))
		{
			final var module = context.service(org.scijava.command.CommandService.class).run(
				sc.fiji.unclip.ij.TextToImageCommand.class, false, "prompt", "a red circle", "seed", 1L, "steps", 1)
				.get();
			System.out.println("plugin " + (module.isCanceled() ? module.getCancelReason() : "made " + ((sc.fiji.unclip.ij.ImageMaker) module
				.getDelegateObject()).result()));
		}
		catch (final Exception e) {
			throw new IllegalStateException(e);
		}
	}

	public static void main(final String[] args) {
		if (args[0].equals("plugin")) runPluginCommand();
		else if (args[0].equals("cli")) System.out.println("exit " + Main.run(java.util.Arrays.copyOfRange(args, 1,
			args.length), System.out, System.err));
		else try (EmbeddedGenerator g = EmbeddedGenerator.open(Path.of(args[1]))) {
			System.out.println("model " + g.model().name());
		}
		System.out.println("ai.djl.offline=" + System.getProperty("ai.djl.offline"));
		System.out.println("OPT_OUT_TRACKING=" + System.getProperty("OPT_OUT_TRACKING"));
	}
}
