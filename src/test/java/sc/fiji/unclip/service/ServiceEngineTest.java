package sc.fiji.unclip.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.integer.UnsignedByteType;
import net.imglib2.view.Views;
import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.Generator;
import sc.fiji.unclip.InpaintRequest;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.VariationRequest;
import sc.fiji.unclip.client.RemoteGenerator;

/**
 * The real engine on the bundled model behind the service: every image endpoint, and the HTTP client,
 * give bit-identical pixels to the embedded engine for the same seed; 32 concurrent clients each get their
 * own images or a 429.
 */
class ServiceEngineTest {

	private static final SamplingOptions FEW_STEPS = new SamplingOptions(3, null, null);
	private static Generator engine;
	private static ServiceFixture fixture;

	@BeforeAll
	static void start() throws Exception {
		engine = RealEngine.get();
		fixture = new ServiceFixture(ServiceFixture.config().withQueue(8, 8, Duration.ofMillis(20)), engine);
	}

	@AfterAll
	static void stop() {
		if (fixture != null) fixture.close();
	}

	static int[] pixels(final RandomAccessibleInterval<ARGBType> image) {
		final long n = image.dimension(0) * image.dimension(1);
		final int[] argb = new int[(int) n];
		int i = 0;
		for (final ARGBType p : Views.flatIterable(image))
			argb[i++] = p.get() | 0xff000000;
		return argb;
	}

	static void assertSame(final GenerationResult expected, final List<int[]> actual) {
		assertEquals(expected.images().size(), actual.size());
		for (int i = 0; i < actual.size(); i++)
			assertArrayEquals(pixels(expected.images().get(i)), actual.get(i), "image " + i);
	}

	/**
	 * For requests the service may have batched with others: libtorch's batched kernels round differently
	 * (engine: within 1e-4 before quantisation), so a channel may land one 8-bit level off, never more;
	 * images of other seeds differ by far more.
	 */
	static void assertSameWithinOneLevel(final GenerationResult expected, final List<int[]> actual) {
		assertEquals(expected.images().size(), actual.size());
		for (int i = 0; i < actual.size(); i++) {
			final int[] e = pixels(expected.images().get(i)), a = actual.get(i);
			assertEquals(e.length, a.length);
			for (int p = 0; p < e.length; p++)
				for (int shift = 0; shift <= 16; shift += 8) {
					final int d = Math.abs((e[p] >> shift & 0xff) - (a[p] >> shift & 0xff));
					if (d > 1) throw new AssertionError("image " + i + " pixel " + p + " differs by " + d +
						" levels: not the image of its seed");
				}
		}
	}

	private static Img<ARGBType> testImage(final int side) {
		final int[] argb = new int[side * side];
		for (int y = 0; y < side; y++)
			for (int x = 0; x < side; x++)
				argb[y * side + x] = 0xff000000 | (x < side / 2 ? 0xcc2222 : 0x2222cc);
		return ArrayImgs.argbs(argb, side, side);
	}

	@Test
	void generationsEqualTheEmbeddedEngine() throws Exception {
		final GenerationResult expected = engine.textToImage(new TextToImageRequest("a red circle", 2, 11,
			FEW_STEPS), ProgressListener.NONE, new Cancellation());
		assertSame(expected, fixture.postJson("/v1/images/generations",
			"{\"prompt\":\"a red circle\",\"n\":2,\"seed\":11,\"steps\":3}").images());
	}

	@Test
	void variationsAndEditsEqualTheEmbeddedEngine() throws Exception {
		final int side = engine.model().resolution();
		final Img<ARGBType> image = testImage(side);
		final byte[] png = PngImages.encode(image, java.util.Map.of());
		final GenerationResult vary = engine.vary(new VariationRequest(image, 1, 5, 1.0, FEW_STEPS),
			ProgressListener.NONE, new Cancellation());
		assertSame(vary, fixture.postForm("/v1/images/variations", new ServiceFixture.Form().file("image",
			png).field("seed", 5).field("steps", 3)).images());
		final byte[] maskBytes = new byte[side * side];
		for (int i = 0; i < maskBytes.length; i++)
			maskBytes[i] = (byte) (i / side >= side / 2 ? 255 : 0);
		final Img<UnsignedByteType> mask = ArrayImgs.unsignedBytes(maskBytes, side, side);
		final GenerationResult edit = engine.inpaint(new InpaintRequest(image, mask, "a blue square", 1, 6, 0,
			FEW_STEPS), ProgressListener.NONE, new Cancellation());
		final int[] whiteMask = new int[side * side];
		for (int i = 0; i < whiteMask.length; i++)
			whiteMask[i] = maskBytes[i] != 0 ? 0xffffffff : 0xff000000;
		assertSame(edit, fixture.postForm("/v1/images/edits", new ServiceFixture.Form().file("image", png)
			.file("mask", PngImages.encode(ArrayImgs.argbs(whiteMask, side, side), java.util.Map.of())).field(
				"prompt", "a blue square").field("seed", 6).field("steps", 3)).images());
	}

	@Test
	void remoteGeneratorEqualsTheEmbeddedEngine() {
		final TextToImageRequest request = new TextToImageRequest("a green triangle", 1, 21, FEW_STEPS);
		final RemoteGenerator remote = new RemoteGenerator(URI.create("http://127.0.0.1:" + fixture.service
			.port()), null, Duration.ofSeconds(60), 3);
		final GenerationResult viaHttp = remote.textToImage(request, ProgressListener.NONE,
			new Cancellation());
		final List<int[]> images = new ArrayList<>();
		viaHttp.images().forEach(i -> images.add(pixels(i)));
		assertSame(engine.textToImage(request, ProgressListener.NONE, new Cancellation()), images);
		assertEquals(engine.model().sha256(), viaHttp.provenance().modelSha256());
	}

	@Test
	void thirtyTwoClientsGetTheirOwnImagesOr429() throws Exception {
		final ExecutorService clients = Executors.newFixedThreadPool(32);
		final CountDownLatch go = new CountDownLatch(1);
		final List<Future<ServiceFixture.Reply>> replies = new ArrayList<>();
		for (int c = 0; c < 32; c++) {
			final int seed = 500 + c;
			replies.add(clients.submit(() -> {
				go.await();
				return fixture.postJson("/v1/images/generations", "{\"prompt\":\"a red circle\",\"seed\":" +
					seed + ",\"steps\":2}");
			}));
		}
		go.countDown();
		int ok = 0;
		for (int c = 0; c < 32; c++) {
			final ServiceFixture.Reply reply = replies.get(c).get(5, TimeUnit.MINUTES);
			if (reply.status() == 429) {
				reply.assertError(429, "queue_full");
				continue;
			}
			assertSameWithinOneLevel(engine.textToImage(new TextToImageRequest("a red circle", 1, 500 + c,
				new SamplingOptions(2, null, null)), ProgressListener.NONE, new Cancellation()), reply.images());
			ok++;
		}
		clients.shutdown();
		assertTrue(ok >= 8, "only " + ok + " of 32 served");
	}
}
