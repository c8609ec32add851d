package sc.fiji.unclip.ij;

import ij.ImagePlus;

import java.util.List;
import java.util.stream.IntStream;

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
}
