package sc.fiji.unclip.cli;

import java.nio.file.Path;

import sc.fiji.unclip.engine.EmbeddedGenerator;

/**
 * Run in a fresh JVM without any -D flags by {@link MainTest}: starts the engine from one entry point
 * ({@code cli ARGS...} or {@code generator BUNDLE}) and prints DJL's no-network properties afterwards.
 */
public final class OfflineProbe {

	private OfflineProbe() {}

	public static void main(final String[] args) {
		if (args[0].equals("cli")) System.out.println("exit " + Main.run(java.util.Arrays.copyOfRange(args, 1,
			args.length), System.out, System.err));
		else try (EmbeddedGenerator g = EmbeddedGenerator.open(Path.of(args[1]))) {
			System.out.println("model " + g.model().name());
		}
		System.out.println("ai.djl.offline=" + System.getProperty("ai.djl.offline"));
		System.out.println("OPT_OUT_TRACKING=" + System.getProperty("OPT_OUT_TRACKING"));
	}
}
