package sc.fiji.unclip.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * A network input that a denoising loop refills every step (the sample, the timesteps). On the CPU the tensor
 * lies over a direct buffer that libtorch shares with Java ({@code from_blob}), so a step writes its values
 * into that memory and passes the same tensor again: no allocation and no JNI call per step, where a fresh
 * tensor costs a direct buffer, a copy and a {@code torchFromBlob} (measured: 6-11 us against 0.2 us for
 * 1536 floats; with three such tensors per step this was most of the loop's time outside the networks). On
 * another device the tensor is a copy, so it is created again at each refill.
 */
final class RefilledInput implements AutoCloseable {

	private final NDManager manager;
	private final Shape shape;
	private final DataType type;
	private final ByteBuffer buffer;
	private final boolean shared;
	private NDArray tensor;

	/** An input of {@code shape} and {@code type} (float32 or int64) whose tensors live in {@code scope}. */
	RefilledInput(final NDManager scope, final Shape shape, final DataType type) {
		if (type != DataType.FLOAT32 && type != DataType.INT64) throw new IllegalArgumentException(
			"Refilled inputs are float32 or int64, not " + type);
		this.manager = scope.newSubManager();
		this.shape = shape;
		this.type = type;
		this.buffer = ByteBuffer.allocateDirect(Math.toIntExact(shape.size() * type.getNumOfBytes())).order(
			ByteOrder.nativeOrder());
		this.shared = manager.getDevice().getDeviceType().equals(Device.Type.CPU);
		if (shared) tensor = manager.create(buffer, shape, type);
	}

	/**
	 * The tensor holding {@code values} {@code copies} times along the first dimension (guidance's batch
	 * [x; x] without an intermediate array).
	 */
	NDArray of(final float[] values, final int copies) {
		if ((long) values.length * copies != shape.size()) throw new IllegalArgumentException(copies + " x " +
			values.length + " values do not fill an input of shape " + shape);
		final java.nio.FloatBuffer floats = buffer.asFloatBuffer();
		for (int c = 0; c < copies; c++)
			floats.put(values);
		return current();
	}

	/** The tensor with every element {@code value}. */
	NDArray filled(final long value) {
		final int size = Math.toIntExact(shape.size());
		for (int i = 0; i < size; i++)
			buffer.putLong(i * Long.BYTES, value);
		return current();
	}

	private NDArray current() {
		if (shared) return tensor;
		if (tensor != null) tensor.close();
		tensor = manager.create(buffer.rewind(), shape, type);
		return tensor;
	}

	@Override
	public void close() {
		manager.close();
	}
}
