package sc.fiji.unclip.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/** The thread policy as the settings dialog shows it, and the OpenMP environment libgomp will read. */
class TorchSettingsTest {

	/** The C library's getenv: what native code sees, not Java's copy of the start-up environment. */
	interface LibC extends Library {

		String getenv(String name);
	}

	@Test
	void physicalCoresAreWithinTheProcessors() {
		final int cores = TorchSettings.physicalCores();
		assertTrue(cores >= 1 && cores <= Runtime.getRuntime().availableProcessors(), "cores " + cores);
	}

	@Test
	void theThreadCountShownIsTheOneGivenToLibtorch() {
		TorchSettings.apply();
		final int threads = TorchSettings.threads();
		assertEquals(Integer.parseInt(System.getProperty("ai.djl.pytorch.num_threads")), threads);
		final String asked = System.getProperty(TorchSettings.THREADS_PROPERTY);
		if (asked == null) assertEquals(Math.min(TorchSettings.MAX_DEFAULT_THREADS, TorchSettings
			.physicalCores()), threads);
		else if (!asked.equals("auto")) assertEquals(Integer.parseInt(asked), threads);
		final String line = TorchSettings.description();
		assertTrue(line.startsWith(threads + " libtorch thread") && line.contains("-Dunclip.threads=N"), line);
	}

	@Test
	void waitingThreadsSleepOnlyWhenTheCoresAreBusy() {
		assertFalse(TorchSettings.sleepWhileWaiting(0.1, 2, 2), "idle 2-core machine, 2 threads: spin");
		assertFalse(TorchSettings.sleepWhileWaiting(3.0, 16, 8), "workstation with free cores: spin");
		assertTrue(TorchSettings.sleepWhileWaiting(2.0, 2, 2), "two busy processes beside 2 threads: sleep");
		assertTrue(TorchSettings.sleepWhileWaiting(1.0, 2, 2), "one busy core of two: sleep");
		assertTrue(TorchSettings.sleepWhileWaiting(-1, 8, 4), "load unknown: the safe choice, sleep");
	}

	@Test
	void theWaitPolicyShownIsTheOneLibgompSees() {
		Assumptions.assumeFalse(Platform.isWindows(), "libgomp's variable; Windows' OpenMP differs");
		Assumptions.assumeTrue(System.getenv("OMP_WAIT_POLICY") == null, "OMP_WAIT_POLICY set by the user");
		TorchSettings.apply();
		TorchSettings.applyWaitPolicy();
		final String seen = Native.load("c", LibC.class).getenv("OMP_WAIT_POLICY");
		assertEquals(TorchSettings.waitPolicyVariable(), seen);
		final String line = TorchSettings.description();
		final String why = Platform.isLinux() ? "(other processes busy on " : "(load ";
		assertTrue(seen == null ? line.contains("wait policy threads spin, GOMP_SPINCOUNT=") && line.contains(why)
			: line.contains("wait policy PASSIVE " + why), line);
		if (seen == null && System.getenv("GOMP_SPINCOUNT") == null) {
			assertEquals(TorchSettings.BOUNDED_SPIN_COUNT, Native.load("c", LibC.class).getenv("GOMP_SPINCOUNT"),
				"spinning is bounded for libgomp");
			assertEquals(TorchSettings.BOUNDED_SPIN_COUNT, TorchSettings.spinCountVariable());
		}
	}
}
