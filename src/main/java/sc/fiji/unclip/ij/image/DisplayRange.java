package sc.fiji.unclip.ij.image;

import ij.ImagePlus;

/**
 * The window of values a grey plane is displayed with, mapping values to the 0..255 grey the model sees and
 * generated grey back to values of the plane's type. An inverting LUT (high values dark, common for
 * stained sections) is followed, so the model sees what the user sees. A degenerate range (min = max, NaN)
 * maps everything to one grey rather than dividing by zero.
 */
public record DisplayRange(double min, double max, boolean inverted) {

	public DisplayRange(final double min, final double max) {
		this(min, max, false);
	}

	/** The image's window and LUT (not a plane's own data range), as the user sees every plane. */
	public static DisplayRange of(final ImagePlus image) {
		return new DisplayRange(image.getDisplayRangeMin(), image.getDisplayRangeMax(), image.isInvertedLut());
	}

	/** Grey 0..255 for a value as displayed; NaN is black, values outside the range are clamped. */
	public int toByte(final double value) {
		final double span = max - min;
		final int g;
		if (!(span > 0) || Double.isNaN(value)) g = value >= max ? 255 : 0;
		else g = (int) Math.round(Math.max(0, Math.min(255, (value - min) / span * 255)));
		return inverted ? 255 - g : g;
	}

	/** The value a displayed grey level 0..255 stands for, in the plane's units (not yet rounded). */
	public double toValue(final double grey) {
		return min + (inverted ? 255 - grey : grey) / 255 * (max - min);
	}
}
