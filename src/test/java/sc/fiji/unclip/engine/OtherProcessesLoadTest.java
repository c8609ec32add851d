package sc.fiji.unclip.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.sun.jna.Platform;

/** The busy cores of other processes, from /proc, that decide whether OpenMP's waiting threads spin. */
class OtherProcessesLoadTest {

	@Test
	void machineTicksCountIdleAndIowaitAsIdle() {
		final String stat = "cpu  100 5 20 1000 50 3 2 7 0 0\ncpu0 50 2 10 500 25 1 1 3 0 0\nintr 1 2 3\n";
		assertArrayEquals(new long[] { 100 + 5 + 20 + 3 + 2 + 7, 100 + 5 + 20 + 1000 + 50 + 3 + 2 + 7 },
			OtherProcessesLoad.machineTicks(stat));
	}

	@Test
	void processTicksAreUserPlusSystemTimeWhateverTheCommandName() {
		final String self = "4242 (java (my) app) S 1 4242 4242 0 -1 4194560 900 0 0 0 250 40 0 0 20 0 31 0";
		assertEquals(290, OtherProcessesLoad.processTicks(self));
	}

	@Test
	void busyCoresLeaveThisProcessOut() {
		// 2 processors, 200 ticks passed, 150 busy of which this process used 50: other processes 1 core
		assertEquals(1.0, OtherProcessesLoad.busyCores(new long[] { 0, 0, 0 }, new long[] { 150, 200, 50 }, 2),
			1e-9);
		assertEquals(0.0, OtherProcessesLoad.busyCores(new long[] { 0, 0, 0 }, new long[] { 50, 200, 60 }, 2),
			1e-9, "rounding of ticks never gives a negative load");
		assertEquals(-1, OtherProcessesLoad.busyCores(new long[] { 5, 9, 1 }, new long[] { 5, 9, 1 }, 2));
	}

	/** Real processes spinning beside the test are seen. */
	@Test
	void busyProcessesBesideAreSeen() throws Exception {
		Assumptions.assumeTrue(Platform.isLinux(), "reads /proc");
		final int processors = Runtime.getRuntime().availableProcessors();
		final List<Process> busy = new ArrayList<>();
		try {
			for (int i = 0; i < processors; i++)
				busy.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
			Thread.sleep(200);
			final double seen = OtherProcessesLoad.measure(400);
			assertTrue(seen >= processors * 0.6, "other processes busy on " + seen + " of " + processors);
		}
		finally {
			busy.forEach(Process::destroyForcibly);
		}
	}
}
