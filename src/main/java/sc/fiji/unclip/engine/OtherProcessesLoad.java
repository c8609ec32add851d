package sc.fiji.unclip.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many cores other processes keep busy right now, measured over a short window from Linux's
 * {@code /proc/stat} (all CPU time) minus {@code /proc/self/stat} (this process's). The OpenMP wait policy
 * is chosen from it: the one-minute load average lags by minutes (a build that just ended still counts as a
 * busy core, and this process's own start counts too), so it chose sleeping threads on idle machines.
 */
final class OtherProcessesLoad {

	private static final Path STAT = Path.of("/proc/stat"), SELF = Path.of("/proc/self/stat");

	private OtherProcessesLoad() {}

	/**
	 * Busy cores outside this process, averaged over {@code millis}; -1 where /proc cannot say (not Linux).
	 * Blocks for {@code millis}.
	 */
	static double measure(final long millis) {
		try {
			final long[] before = sample();
			Thread.sleep(millis);
			final long[] after = sample();
			return busyCores(before, after, Runtime.getRuntime().availableProcessors());
		}
		catch (final IOException | RuntimeException e) {
			return -1;
		}
		catch (final InterruptedException e) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

	/** {busy ticks of all CPUs, all ticks of all CPUs, ticks of this process}, in clock ticks. */
	private static long[] sample() throws IOException {
		final long[] machine = machineTicks(Files.readString(STAT));
		return new long[] { machine[0], machine[1], processTicks(Files.readString(SELF)) };
	}

	/**
	 * Busy cores of other processes between two samples: the share of all CPU time that was busy and not
	 * this process's, times the processors; -1 when no time passed.
	 */
	static double busyCores(final long[] before, final long[] after, final int processors) {
		final long all = after[1] - before[1];
		if (all <= 0) return -1;
		final long others = (after[0] - before[0]) - (after[2] - before[2]);
		return Math.max(0, (double) others / all) * processors;
	}

	/**
	 * {busy, total} ticks from the first ({@code cpu}) line of /proc/stat: user nice system idle iowait irq
	 * softirq steal ...; idle and iowait are the idle time (guest time is already inside user).
	 */
	static long[] machineTicks(final String procStat) {
		final String line = procStat.lines().filter(l -> l.startsWith("cpu ")).findFirst().orElseThrow(
			() -> new IllegalArgumentException("no cpu line in /proc/stat"));
		final String[] f = line.trim().split("\\s+");
		long busy = 0, total = 0;
		for (int i = 1; i <= Math.min(8, f.length - 1); i++) {
			final long ticks = Long.parseLong(f[i]);
			total += ticks;
			if (i != 4 && i != 5) busy += ticks;
		}
		return new long[] { busy, total };
	}

	/**
	 * utime + stime of /proc/self/stat (fields 14 and 15; counted after the command name's closing
	 * parenthesis, since the name may hold spaces).
	 */
	static long processTicks(final String procSelfStat) {
		final String[] f = procSelfStat.substring(procSelfStat.lastIndexOf(')') + 2).trim().split("\\s+");
		// f[0] is field 3 (state), so field k is f[k - 3]
		return Long.parseLong(f[11]) + Long.parseLong(f[12]);
	}
}
