package sc.fiji.unclip.bench;

import java.nio.file.Path;

import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.engine.EmbeddedGenerator;
import sc.fiji.unclip.engine.Offline;

/**
 * One image from a cold JVM: opens a bundle, makes one text-to-image image and exits, printing its peak
 * resident memory. {@link EngineBenchmark} times it from process start to exit (JVM start included).
 */
public final class FirstImage {

	private FirstImage() {}

	public static void main(final String[] args) {
		Offline.enforce();
		try (EmbeddedGenerator generator = EmbeddedGenerator.open(Path.of(args[0]))) {
			generator.textToImage(new TextToImageRequest(args.length > 1 ? args[1] : "a red circle", 0), null,
				null);
		}
		System.out.println("peak_rss_mib " + EngineBenchmark.peakRssMiB());
	}
}
