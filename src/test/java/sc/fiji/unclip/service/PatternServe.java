package sc.fiji.unclip.service;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the real service over {@link SeededPatternGenerator} for scripted proxy and fault checks on a
 * machine without the engine or its model ({@code scripts/service/nginx-failover.sh GENERATOR=pattern}).
 * Usage: {@code PatternServe PORT STEP_MILLIS}.
 */
public final class PatternServe {

	private PatternServe() {}

	public static void main(final String[] args) throws Exception {
		final InferenceService service = InferenceService.start(ServiceConfig.defaults().withAddress(
			"127.0.0.1", Integer.parseInt(args[0])).withQueue(16, 8, Duration.ofMillis(20)),
			new SeededPatternGenerator(Long.parseLong(args[1])));
		final CountDownLatch stopped = new CountDownLatch(1);
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			service.close();
			stopped.countDown();
		}));
		System.out.println("pattern service on port " + service.port());
		stopped.await();
	}
}
