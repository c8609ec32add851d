package sc.fiji.unclip.ij.image;

import ij.process.ImageProcessor;

/**
 * The window of values a grey plane is displayed with, mapping values to the 0..255 grey the model sees and
 * generated grey back to values of the plane's type. A degenerate range (min = max, NaN) maps everything to
 * one grey rather than dividing by zero.
 */
public record DisplayRange(double min, double max) {

	public static DisplayRange of(final ImageProcessor ip) {
		return new DisplayRange(ip.getMin(), ip.getMax());
	}

	/** Grey 0..255 for a value; NaN is black, values outside the range are clamped. */
	public int toByte(final double value) {
		final double span = max - min;
		if (!(span > 0) || Double.isNaN(value)) return value >= max ? 255 : 0;
		final double g = (value - min) / span * 255;
		return (int) Math.round(Math.max(0, Math.min(255, g)));
	}

	/** The value a grey level 0..255 stands for, in the plane's units (not yet rounded to its type). */
	public double toValue(final double grey) {
		return min + grey / 255 * (max - min);
	}
}
