package sc.fiji.unclip.engine.kandinsky22;

import java.nio.file.Path;

/**
 * The tiny random-weight Kandinsky 2.2 bundle of the tests (diffusers' own architecture, exported by
 * {@code unclip-tools export-kandinsky22}) and its parity cases recorded from diffusers' pipelines.
 * {@code -Dunclip.test.kandinsky22=DIR} points to another folder holding {@code bundle/} and {@code cases/}.
 */
public final class Kandinsky22Fixture {

	public static final Path ROOT = Path.of(System.getProperty("unclip.test.kandinsky22",
		"src/test/resources/kandinsky22"));
	public static final Path BUNDLE = ROOT.resolve("bundle");
	public static final Path CASES = ROOT.resolve("cases");

	private Kandinsky22Fixture() {}
}
