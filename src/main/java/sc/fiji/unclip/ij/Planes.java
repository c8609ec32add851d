package sc.fiji.unclip.ij;

import ij.ImagePlus;

import java.util.List;
import java.util.stream.IntStream;

import ij.process.ImageProcessor;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.ARGBType;
import sc.fiji.unclip.ij.image.DisplayRange;
import sc.fiji.unclip.ij.image.PlaneView;

import sc.fiji.unclip.UnclipException;

/** Which planes of a stack or hyperstack a command works on: the one on screen, or every one. */
public final class Planes {

	public static final String CURRENT = "current plane", ALL = "all planes";

	private Planes() {}

	/** 1-based stack indices. */
	public static List<Integer> of(final ImagePlus image, final String choice) {
		if (choice == null || choice.equals(CURRENT)) return List.of(image.getCurrentSlice());
		if (choice.equals(ALL)) return IntStream.rangeClosed(1, image.getStackSize()).boxed().toList();
		throw new UnclipException("planes=" + choice + " is not a choice; use '" + CURRENT + "' or '" + ALL +
			"'.");
	}

	/** The image the command works on, or a message saying to open one. */
	public static ImagePlus required(final ImagePlus image, final String command) {
		if (image == null) throw new UnclipException(command + " works on an open image; open or select one " +
			"first.");
		if (image.getProcessor() == null) throw new UnclipException("The image '" + image.getTitle() +
			"' has no pixels; open another one.");
		return image;
	}

	/** The model sees 32 to 256 pixels; larger planes are first shrunk (averaging) to this side. */
	static final int LARGEST_INPUT = 2048;

	/** A plane at most {@link #LARGEST_INPUT} a side (a shrunk copy of a larger one, else the plane). */
	static ImageProcessor shrunk(final ImageProcessor plane) {
		final int side = Math.max(plane.getWidth(), plane.getHeight());
		if (side <= LARGEST_INPUT) return plane;
		final double f = (double) LARGEST_INPUT / side;
		return plane.resize(Math.max(1, (int) Math.round(plane.getWidth() * f)), Math.max(1, (int) Math.round(
			plane.getHeight() * f)), true);
	}

	/** The current plane as the model sees it: RGB through the display range, shrunk when large. */
	static RandomAccessibleInterval<ARGBType> currentRgb(final ImagePlus image) {
		return PlaneView.rgb(shrunk(image.getProcessor()), DisplayRange.of(image));
	}
}
