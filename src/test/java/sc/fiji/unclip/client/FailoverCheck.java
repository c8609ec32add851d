package sc.fiji.unclip.client;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import net.imglib2.type.numeric.ARGBType;
import net.imglib2.view.Views;
import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.TextToImageRequest;

/**
 * The client side of {@code scripts/service/nginx-failover.sh}: sends COUNT requests (seeds 0..COUNT-1,
 * 4 at a time) through the proxy with {@link RemoteGenerator}, runs {@code kill -9 PID} after KILL_AFTER of
 * them have finished, and writes one line per finished request: {@code seed RGB-bytes-in-hex}.
 * Usage: {@code FailoverCheck URL COUNT PID KILL_AFTER OUT_FILE}; {@code FailoverCheck compare FILE AGAIN}
 * checks that every seed of AGAIN has, in FILE, the same image within one 8-bit level per channel (the
 * service batches waiting requests, and batched kernels round differently; another seed's image differs by
 * far more).
 */
public final class FailoverCheck {

	private FailoverCheck() {}

	public static void main(final String[] args) throws Exception {
		if (args[0].equals("compare")) {
			System.exit(compare(Path.of(args[1]), Path.of(args[2])));
			return;
		}
		final URI url = URI.create(args[0]);
		final int count = Integer.parseInt(args[1]);
		final String pid = args[2];
		final int killAfter = Integer.parseInt(args[3]);
		final Path out = Path.of(args[4]);
		final RemoteGenerator remote = new RemoteGenerator(url, System.getenv("UNCLIP_API_KEY"), Duration
			.ofSeconds(60), 10);
		final AtomicInteger done = new AtomicInteger();
		final ExecutorService pool = Executors.newFixedThreadPool(4);
		final List<Future<String>> lines = new ArrayList<>();
		for (int seed = 0; seed < count; seed++) {
			final long s = seed;
			lines.add(pool.submit(() -> {
				final GenerationResult r = remote.textToImage(new TextToImageRequest("a red circle", 1, s,
					new SamplingOptions(4, null, null)), ProgressListener.NONE, new Cancellation());
				if (done.incrementAndGet() == killAfter) {
					new ProcessBuilder("kill", "-9", pid).inheritIO().start().waitFor();
					System.out.println("killed instance " + pid + " after " + killAfter + " requests");
				}
				return s + " " + rgbHex(r);
			}));
		}
		try (PrintWriter writer = new PrintWriter(Files.newBufferedWriter(out))) {
			for (final Future<String> line : lines)
				writer.println(line.get());
		}
		pool.shutdown();
		System.out.println("completed " + count + " requests");
	}

	private static String rgbHex(final GenerationResult result) {
		final java.io.ByteArrayOutputStream rgb = new java.io.ByteArrayOutputStream();
		for (final ARGBType p : Views.flatIterable(result.images().get(0))) {
			final int v = p.get();
			rgb.write(v >> 16);
			rgb.write(v >> 8);
			rgb.write(v);
		}
		return HexFormat.of().formatHex(rgb.toByteArray());
	}

	private static int compare(final Path first, final Path again) throws Exception {
		final java.util.Map<String, byte[]> images = new java.util.HashMap<>();
		for (final String line : Files.readAllLines(first))
			images.put(line.split(" ")[0], HexFormat.of().parseHex(line.split(" ")[1]));
		for (final String line : Files.readAllLines(again)) {
			final String seed = line.split(" ")[0];
			final byte[] a = images.get(seed), b = HexFormat.of().parseHex(line.split(" ")[1]);
			if (a == null || a.length != b.length) {
				System.out.println("seed " + seed + ": missing or of another size in " + first);
				return 1;
			}
			for (int i = 0; i < a.length; i++)
				if (Math.abs((a[i] & 0xff) - (b[i] & 0xff)) > 1) {
					System.out.println("seed " + seed + ": byte " + i + " differs by " + Math.abs((a[i] & 0xff) -
						(b[i] & 0xff)) + " levels between the instances");
					return 1;
				}
		}
		return 0;
	}
}
