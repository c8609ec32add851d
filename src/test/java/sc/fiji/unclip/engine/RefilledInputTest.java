package sc.fiji.unclip.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** A refilled input shows each step's values to libtorch, on the CPU in the same tensor. */
class RefilledInputTest {

	static {
		Offline.enforce();
	}

	@Test
	void eachRefillIsWhatLibtorchComputesWith() {
		try (NDManager scope = NDManager.newBaseManager(Device.cpu(), "PyTorch");
			RefilledInput sample = new RefilledInput(scope, new Shape(2, 3), DataType.FLOAT32);
			RefilledInput steps = new RefilledInput(scope, new Shape(2), DataType.INT64))
		{
			final NDArray first = sample.of(new float[] { 1, 2, 3 }, 2);
			assertArrayEquals(new float[] { 2, 4, 6, 2, 4, 6 }, first.mul(2).toFloatArray());
			final NDArray second = sample.of(new float[] { -1, 0.5f, 7, 8, 9, 10 }, 1);
			assertSame(first, second, "on the CPU the same tensor is refilled");
			assertArrayEquals(new float[] { -1, 0.5f, 7, 8, 9, 10 }, second.toFloatArray());
			assertArrayEquals(new long[] { 981, 981 }, steps.filled(981).toLongArray());
			assertArrayEquals(new long[] { 1, 1 }, steps.filled(1).add(0).toLongArray());
		}
	}

	@Test
	void valuesThatDoNotFillTheShapeAreRefused() {
		try (NDManager scope = NDManager.newBaseManager(Device.cpu(), "PyTorch");
			RefilledInput sample = new RefilledInput(scope, new Shape(2, 3), DataType.FLOAT32))
		{
			final Exception e = assertThrows(IllegalArgumentException.class, () -> sample.of(new float[4], 2));
			assertTrue(e.getMessage().contains("(2, 3)"), e.getMessage());
		}
	}
}
