package sc.fiji.unclip.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.google.gson.JsonParser;

/**
 * The bundled model as the tests see it: its folder, and the side of the images it makes, read from its
 * manifest so that tests of sizes follow the bundle when it is retrained at another resolution.
 */
public final class BundledModel {

	public static final Path FOLDER = Path.of("models/shapes-tiny");

	/** The output side R: text to image gives R x R pictures. */
	public static final int SIZE = outputSide();

	private BundledModel() {}

	private static int outputSide() {
		try {
			return JsonParser.parseString(Files.readString(FOLDER.resolve("unclip.json"))).getAsJsonObject()
				.getAsJsonObject("resolution").get("output").getAsInt();
		}
		catch (final IOException e) {
			throw new UncheckedIOException(e);
		}
	}
}
