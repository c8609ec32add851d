package sc.fiji.unclip.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.TextToImageRequest;

/**
 * The networks' time of a real generation: wall time always, CPU time only while a benchmark asks for it
 * (the CPU clocks cost time of their own), for the batched and the halved guided stages alike.
 */
class NetworkTimeTest extends WithBundledGenerator {

	private static final TextToImageRequest REQUEST = new TextToImageRequest("a red circle on a white " +
		"background", 1, 0, new SamplingOptions(3, null, null));

	@Test
	void wallTimeIsCountedAlwaysAndCpuTimeOnlyWhenAsked() {
		for (final String halves : new String[] { "false", "true" }) {
			System.setProperty(GuidanceHalves.PROPERTY, halves);
			try {
				final long calls = NetworkTime.calls(), nanos = NetworkTime.nanos(), cpu = NetworkTime.cpuNanos();
				generator.textToImage(REQUEST, null, null);
				assertTrue(NetworkTime.calls() > calls, "halves " + halves + ": calls counted");
				assertTrue(NetworkTime.nanos() > nanos, "halves " + halves + ": wall time counted");
				assertEquals(cpu, NetworkTime.cpuNanos(), "halves " + halves + ": no CPU time unless asked");
				NetworkTime.countCpu(true);
				try {
					final long loop = NetworkTime.threadCpu();
					generator.textToImage(REQUEST, null, null);
					final long counted = NetworkTime.cpuNanos() - cpu, used = NetworkTime.threadCpu() - loop;
					assertTrue(counted > 0 && counted <= used, "halves " + halves + ": the networks' CPU time " +
						counted + " ns is part of the loop thread's " + used + " ns");
				}
				finally {
					NetworkTime.countCpu(false);
				}
			}
			finally {
				System.clearProperty(GuidanceHalves.PROPERTY);
			}
		}
	}
}
