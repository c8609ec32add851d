package sc.fiji.unclip.ij.image;

import ij.gui.Roi;
import ij.plugin.RoiEnlarger;
import ij.process.ImageProcessor;

import java.awt.Rectangle;

import sc.fiji.unclip.UnclipException;

/**
 * The pixels an area selection covers on an image, clipped to the image: the inpainting mask. Kept as the
 * selection's bounding box and a mask of that box only, so a small selection on a 10000 x 10000 image costs
 * a few kilobytes.
 *
 * @param bounds bounding box of the selected pixels, inside the image
 * @param mask {@code bounds.width * bounds.height} bytes, row by row, non-zero where selected
 * @param roi the selection actually used (after growing), for the overlay that marks generated pixels
 */
public record SelectionMask(Rectangle bounds, byte[] mask, Roi roi) {

	/**
	 * @param grow pixels to grow (positive) or shrink (negative) the selection by before it becomes the mask
	 * @throws UnclipException when there is no area selection or it covers no pixel of the image
	 */
	public static SelectionMask of(final Roi selection, final int imageWidth, final int imageHeight,
		final int grow)
	{
		if (selection == null) throw new UnclipException("Inpaint Selection needs an area selection: draw a " +
			"rectangle, oval, polygon or freehand selection around the region to regenerate, then run it again.");
		if (!selection.isArea()) throw new UnclipException("The selection is a " + selection.getTypeAsString()
			.toLowerCase() + " selection, which covers no area; draw a rectangle, oval, polygon or freehand " +
			"selection around the region to regenerate.");
		final Roi roi = grown(selection, grow);
		final Rectangle box = roi.getBounds();
		final Rectangle inside = box.intersection(new Rectangle(imageWidth, imageHeight));
		if (inside.isEmpty()) throw outside();
		final ImageProcessor roiMask = roi.getMask(); // null for plain rectangles: every pixel of the box
		final byte[] mask = new byte[inside.width * inside.height];
		int selected = 0;
		for (int y = 0; y < inside.height; y++)
			for (int x = 0; x < inside.width; x++) {
				final boolean in = roiMask == null || roiMask.get(inside.x - box.x + x, inside.y - box.y + y) != 0;
				if (in) {
					mask[y * inside.width + x] = (byte) 255;
					selected++;
				}
			}
		if (selected == 0) throw outside();
		return new SelectionMask(inside, mask, roi);
	}

	private static Roi grown(final Roi selection, final int grow) {
		if (grow == 0) return selection;
		final Rectangle box = selection.getBounds();
		if (grow < 0 && -2 * grow >= Math.min(box.width, box.height)) throw outside();
		final Roi copy = (Roi) selection.clone();
		final Roi roi = RoiEnlarger.enlarge(copy, grow);
		if (grow < 0 && roi == copy) throw outside(); // ImageJ gives the selection back when nothing is left
		return roi;
	}

	private static UnclipException outside() {
		return new UnclipException("The selection covers no pixel of the image (it lies outside it, or " +
			"shrinking removed it); draw it on the image and try again.");
	}

	public boolean selected(final int x, final int y) {
		return mask[(y - bounds.y) * bounds.width + (x - bounds.x)] != 0;
	}
}
