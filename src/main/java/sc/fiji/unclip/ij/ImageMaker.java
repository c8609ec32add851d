package sc.fiji.unclip.ij;

import ij.ImagePlus;

/**
 * A command that makes a new image and shows it itself (see {@link ImageJOutput}); code that ran it through
 * {@code CommandService} gets the image from the module's delegate object, since there is no image output.
 */
public interface ImageMaker {

	/** The new image of a finished run, or null (in place, failed or not run yet). */
	ImagePlus result();
}
