package sc.fiji.unclip.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The time left is the stage's pace since its first step (loading and earlier stages excluded), and a stage
 * that will last more than a minute gets the advice once in the Log.
 */
class ImageJProgressTest {

	private long now;
	private final List<String> logged = new ArrayList<>();

	private ImageJProgress progress() {
		return new ImageJProgress(null, () -> now, logged::add);
	}

	@Test
	void aLongStageIsAnnouncedOnceWithTheFasterRoutes() {
		final ImageJProgress progress = progress();
		now = 40_000_000_000L; // 40 s of loading before the first step ended: not a pace
		progress.progress("prior", 1, 25);
		progress.progress("prior", 2, 25); // prior: 0 s per step
		assertTrue(logged.isEmpty(), logged.toString());
		for (int step = 1; step <= 5; step++) {
			now += 13_000_000_000L; // 13 s per decoder step
			progress.progress("decoder", step, 100);
		}
		assertEquals(1, logged.size(), logged.toString());
		assertTrue(logged.get(0).contains("decoder will take about 21 min"), logged.get(0));
		assertTrue(logged.get(0).contains("dpmsolver++") && logged.get(0).contains("GPU service"), logged.get(0));
		now += 13_000_000_000L;
		progress.progress("decoder", 6, 100);
		assertEquals(1, logged.size(), "said once");
	}

	@Test
	void aShortRunSaysNothing() {
		final ImageJProgress progress = progress();
		for (int step = 1; step <= 25; step++) {
			now += 5_000_000L;
			progress.progress("decoder", step, 25);
		}
		progress.progress("movq", 1, 1);
		assertTrue(logged.isEmpty(), logged.toString());
	}

	@Test
	void durationsReadAsAStatusBarShowsThem() {
		assertEquals("40 s", ImageJProgress.duration(40.2));
		assertEquals("3 min", ImageJProgress.duration(170));
		assertEquals("1 h 5 min", ImageJProgress.duration(3900));
	}
}
