package sc.fiji.unclip.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * slerp stays on the unit sphere, ends at its two ends and halves the angle; the diff direction is unit; with
 * length, the ends keep theirs and the length in between is interpolated linearly.
 */
class SphericalInterpolationTest {

	@Test
	void endsMidpointAndNorm() {
		final float[] a = { 1, 0, 0 }, b = { 0, 1, 0 };
		assertArrayEquals(a, SphericalInterpolation.slerp(a, b, 0), 1e-6f);
		assertArrayEquals(b, SphericalInterpolation.slerp(a, b, 1), 1e-6f);
		final float h = (float) Math.sqrt(0.5);
		assertArrayEquals(new float[] { h, h, 0 }, SphericalInterpolation.slerp(a, b, 0.5), 1e-6f);
		final float[] third = SphericalInterpolation.slerp(a, b, 1.0 / 3);
		assertEquals(Math.cos(Math.PI / 6), third[0], 1e-6);
		assertEquals(1, third[0] * third[0] + third[1] * third[1], 1e-6);
	}

	@Test
	void inputsOfAnyLengthAreNormalisedAndTheDirectionIsUnit() {
		assertArrayEquals(new float[] { 0, 1 }, SphericalInterpolation.slerp(new float[] { 3, 0 }, new float[] {
			0, 5 }, 1), 1e-6f);
		assertArrayEquals(new float[] { 0.6f, -0.8f }, SphericalInterpolation.direction(new float[] { 1, 1 },
			new float[] { 1.6f, 0.2f }), 1e-6f);
		// the same vector twice: the linear limit, no division by sin 0
		assertArrayEquals(new float[] { 1, 0 }, SphericalInterpolation.slerp(new float[] { 1, 0 }, new float[] {
			1, 0 }, 0.4), 1e-6f);
	}

	@Test
	void slerpWithLengthKeepsTheEndsAndInterpolatesTheLength() {
		final float[] a = { 3, 0 }, b = { 0, 5 };
		assertArrayEquals(a, SphericalInterpolation.slerpWithLength(a, b, 0), 1e-6f);
		assertArrayEquals(b, SphericalInterpolation.slerpWithLength(a, b, 1), 1e-6f);
		final float h = (float) (4 * Math.sqrt(0.5));
		assertArrayEquals(new float[] { h, h }, SphericalInterpolation.slerpWithLength(a, b, 0.5), 1e-5f);
	}
}
