package sc.fiji.unclip.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.CancelledException;
import sc.fiji.unclip.ProgressListener;
import sc.fiji.unclip.SamplingOptions;

/**
 * Guided image stages with their halves side by side (forced on here, where the tests run libtorch with one
 * thread): the same results as the reference within parity's tolerance, with the stage on the calling thread,
 * reproducible, stopped by a cancellation, and a failing half reported without breaking the pair.
 */
class GuidanceHalvesTest extends WithBundledGenerator {

	@AfterEach
	void batchedAgain() {
		System.clearProperty(GuidanceHalves.PROPERTY);
	}

	/** The fixture's settings, with the halves forced on for this test. */
	private static EmbeddedGenerator.Settings halvedSettings(final Fixture f) {
		System.setProperty(GuidanceHalves.PROPERTY, "true");
		final var r = f.request();
		return generator.settings(r.get("n").getAsInt(), new SamplingOptions(r.get("steps").getAsInt(), r.get(
			"guidance").getAsDouble(), r.get("scheduler").getAsString()));
	}

	@Test
	void halvesMatchTheReferenceOnTheCallingThreadAndRepeatExactly() throws Exception {
		final Fixture f = Fixture.load("text_defaults");
		final EmbeddedGenerator.Settings s = halvedSettings(f);
		final Set<String> decoderThreads = new HashSet<>();
		final Map<String, Double> differences = new HashMap<>();
		final ProgressListener where = (stage, step, total) -> {
			if (stage.equals("decoder")) decoderThreads.add(Thread.currentThread().getName());
		};
		final float[] first = generator.pipeline().run(f.pipelineRequest(s), f.noise(), where, new Cancellation(),
			(key, values) -> {
				if (f.floats().containsKey(key)) differences.put(key, TinyPipelineParityTest.maxAbsDifference(f.get(
					key), values));
				return values;
			});
		assertEquals(Set.of(Thread.currentThread().getName()), decoderThreads, "the decoder's steps ran on the " +
			"calling thread");
		assertTrue(differences.keySet().stream().filter(k -> k.startsWith("decoder.x.")).count() > 1, differences
			.keySet().toString());
		differences.forEach((key, d) -> assertTrue(d <= TinyPipelineParityTest.TOLERANCE, key + " differs from " +
			"the reference by " + d));
		final float[] again = generator.pipeline().run(f.pipelineRequest(s), f.noise(), ProgressListener.NONE,
			new Cancellation(), (key, values) -> values);
		assertArrayEquals(first, again, "the same request gives the same image");
	}

	@Test
	void aCancellationStopsAHalvedStageAndThePairServesTheNextRequest() throws Exception {
		final Fixture f = Fixture.load("text_defaults");
		final EmbeddedGenerator.Settings s = halvedSettings(f);
		final Cancellation cancellation = new Cancellation();
		final int[] decoderSteps = new int[1];
		assertThrows(CancelledException.class, () -> generator.pipeline().run(f.pipelineRequest(s), f.noise(), (
			stage, step, total) -> {
			if (stage.equals("decoder")) {
				decoderSteps[0] = step;
				cancellation.cancel();
			}
		}, cancellation, (key, values) -> values));
		assertEquals(1, decoderSteps[0], "stopped within one step");
		final float[] image = generator.pipeline().run(f.pipelineRequest(s), f.noise(), ProgressListener.NONE,
			new Cancellation(), (key, values) -> values);
		assertTrue(TinyPipelineParityTest.maxAbsDifference(f.get("image"), image) <= TinyPipelineParityTest.TOLERANCE);
	}

	/**
	 * A stage lowers its thread's libtorch count only while it runs; a thread that starts meanwhile (and so
	 * would take the lowered count as libtorch's default) gets the process's count at its first network call.
	 * The process's count is raised to 2 here so that it differs from a half's.
	 */
	@Test
	void aStageLowersItsThreadsCountOnlyWhileItRunsAndNewThreadsGetTheProcesssCount() throws Exception {
		final String djlThreads = "ai.djl.pytorch.num_threads";
		final String given = System.getProperty(djlThreads);
		final int own = JniUtils.getNumThreads();
		final GuidanceHalves halves = GuidanceHalves.shared();
		try {
			System.setProperty(djlThreads, "2");
			JniUtils.setNumThreads(2);
			final int[] inside = new int[2];
			halves.run(() -> {
				inside[0] = JniUtils.getNumThreads();
				final Thread fresh = new Thread(() -> {
					Libtorch.useProcessThreads();
					inside[1] = JniUtils.getNumThreads();
				});
				fresh.start();
				try {
					fresh.join();
				}
				catch (final InterruptedException e) {
					throw new IllegalStateException(e);
				}
				return null;
			});
			assertEquals(1, inside[0], "a half's count inside the stage");
			assertEquals(2, inside[1], "a thread started during the stage runs with the process's count");
			assertEquals(2, JniUtils.getNumThreads(), "the caller's count is back after the stage");
		}
		finally {
			if (given == null) System.clearProperty(djlThreads);
			else System.setProperty(djlThreads, given);
			JniUtils.setNumThreads(own);
		}
	}

	@Test
	void aFailingHalfIsReportedAfterBothEndedAndThePairGoesOn() {
		final GuidanceHalves halves = GuidanceHalves.shared();
		try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
			final NDArray one = manager.ones(new ai.djl.ndarray.types.Shape(2));
			final boolean[] condTaken = new boolean[1];
			final IllegalStateException e = assertThrows(IllegalStateException.class, () -> halves.run(() -> {
				halves.both(() -> new NDList(one.mul(2)), () -> {
					throw new IllegalStateException("uncond half broke");
				}, (out, half) -> {
					try (out) {
						condTaken[0] = half == 0;
					}
				});
				return null;
			}));
			assertEquals("uncond half broke", e.getMessage());
			assertTrue(condTaken[0], "the cond half ran and took its output");
			final float[][] taken = new float[2][];
			final String[] threads = new String[2];
			halves.run(() -> {
				halves.both(() -> new NDList(one.mul(2)), () -> new NDList(one.mul(3)), (out, half) -> {
					try (out) {
						taken[half] = out.head().toFloatArray();
						threads[half] = Thread.currentThread().getName();
					}
				});
				return null;
			});
			assertArrayEquals(new float[] { 2, 2 }, taken[0]);
			assertArrayEquals(new float[] { 3, 3 }, taken[1]);
			assertEquals(Thread.currentThread().getName(), threads[0], "cond is taken where it ran, on the caller");
			assertEquals("unclip-guidance-partner", threads[1], "uncond is taken on the partner");
			assertThrows(IllegalStateException.class, () -> halves.both(() -> new NDList(one), () -> new NDList(one),
				(out, half) -> {}), "halves run inside a stage only");
		}
	}
}
