package sc.fiji.unclip.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import sc.fiji.unclip.engine.sampling.ScalarMath;

/**
 * Scheduler scalars computed by libtorch's own float32 kernels, on 0-dim tensors as diffusers computes them
 * (e.g. {@code alphas_cumprod[t] ** 0.5}), so the Java schedulers round exactly as the Python reference does.
 * Checked: DJL's libtorch 2.7.1 and pip's torch 2.7.1 give identical sqrt/log/exp on 5000 random floats, while
 * about 20% of them differ by one ulp from the correctly rounded result. Results are cached by argument
 * (schedule-derived values repeat across requests); the cache is bounded.
 */
final class TorchScalarMath implements ScalarMath {

	static final TorchScalarMath INSTANCE = new TorchScalarMath();
	private static final int MAX_CACHED = 1 << 16;

	private final Map<Integer, Float> sqrt = new ConcurrentHashMap<>(), log = new ConcurrentHashMap<>(),
		exp = new ConcurrentHashMap<>();

	private TorchScalarMath() {}

	@Override
	public float sqrt(final float x) {
		return cached(sqrt, x, NDArray::sqrt);
	}

	@Override
	public float log(final float x) {
		return cached(log, x, NDArray::log);
	}

	@Override
	public float exp(final float x) {
		return cached(exp, x, NDArray::exp);
	}

	private static float cached(final Map<Integer, Float> cache, final float x,
		final java.util.function.UnaryOperator<NDArray> op)
	{
		final Integer key = Float.floatToRawIntBits(x);
		final Float hit = cache.get(key);
		if (hit != null) return hit;
		final float value;
		try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
			value = op.apply(manager.create(x)).getFloat();
		}
		if (cache.size() >= MAX_CACHED) cache.clear();
		cache.put(key, value);
		return value;
	}
}
