package sc.fiji.unclip.client;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
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
 * them have finished, and writes one line per finished request: {@code seed sha256-of-pixels}.
 * Usage: {@code FailoverCheck URL COUNT PID KILL_AFTER OUT_FILE}.
 */
public final class FailoverCheck {

	private FailoverCheck() {}

	public static void main(final String[] args) throws Exception {
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
				return s + " " + digest(r);
			}));
		}
		try (PrintWriter writer = new PrintWriter(Files.newBufferedWriter(out))) {
			for (final Future<String> line : lines)
				writer.println(line.get());
		}
		pool.shutdown();
		System.out.println("completed " + count + " requests");
	}

	private static String digest(final GenerationResult result) throws Exception {
		final MessageDigest sha = MessageDigest.getInstance("SHA-256");
		for (final ARGBType p : Views.flatIterable(result.images().get(0))) {
			final int v = p.get() & 0xffffff;
			sha.update(new byte[] { (byte) (v >> 16), (byte) (v >> 8), (byte) v });
		}
		return HexFormat.of().formatHex(sha.digest());
	}
}
