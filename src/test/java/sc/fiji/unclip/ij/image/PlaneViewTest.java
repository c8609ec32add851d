package sc.fiji.unclip.ij.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import ij.process.ByteProcessor;
import ij.process.ColorProcessor;
import ij.process.FloatProcessor;
import ij.process.ShortProcessor;

import java.util.List;

import net.imglib2.RandomAccess;
import net.imglib2.RandomAccessibleInterval;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.ARGBType;

import org.junit.jupiter.api.Test;

class PlaneViewTest {

	static int at(final RandomAccessibleInterval<ARGBType> image, final int x, final int y) {
		final RandomAccess<ARGBType> ra = image.randomAccess();
		ra.setPosition(new int[] { x, y });
		return ra.get().get() & 0xffffff;
	}

	@Test
	void rgbPlanesAreWrappedNotCopied() {
		final ColorProcessor ip = new ColorProcessor(5, 4);
		final RandomAccessibleInterval<ARGBType> view = PlaneView.rgb(ip, new DisplayRange(0, 255));
		ip.set(3, 2, 0x123456);
		assertEquals(0x123456, at(view, 3, 2), "a change of the plane shows through the view");
		assertEquals(5, view.dimension(0));
		assertEquals(4, view.dimension(1));
	}

	@Test
	void greyPlanesMapThroughTheDisplayRangeLazily() {
		final ShortProcessor s = new ShortProcessor(3, 1);
		final RandomAccessibleInterval<ARGBType> view = PlaneView.rgb(s, new DisplayRange(1000, 1255));
		s.set(0, 0, 500);
		s.set(1, 0, 1100);
		s.set(2, 0, 60000);
		assertEquals(0x000000, at(view, 0, 0), "below the range is black");
		assertEquals(0x646464, at(view, 1, 0), "100 of 255 above min is grey 100");
		assertEquals(0xffffff, at(view, 2, 0), "above the range is white");
		final FloatProcessor f = new FloatProcessor(2, 1, new float[] { Float.NaN, 0.5f });
		final RandomAccessibleInterval<ARGBType> fv = PlaneView.rgb(f, new DisplayRange(0, 1));
		assertEquals(0, at(fv, 0, 0), "NaN is black");
		assertEquals(0x808080, at(fv, 1, 0));
		final ByteProcessor flat = new ByteProcessor(1, 1);
		assertEquals(0, at(PlaneView.rgb(flat, new DisplayRange(7, 7)), 0, 0), "an empty range does not divide by 0");
	}

	@Test
	void resultArrayImagesBecomePlanesWithoutCopying() {
		final int[] pixels = new int[6];
		final var img = ArrayImgs.argbs(pixels, 3, 2);
		assertSame(pixels, ResultImages.pixels(img));
		assertSame(pixels, ResultImages.stack("t", List.of(img), i -> "s").getProcessor().getPixels());
	}

	@Test
	void generatedGreyGoesBackIntoThePlanesUnits() {
		final DisplayRange range = new DisplayRange(1000, 1510);
		assertEquals(1000, range.toValue(0));
		assertEquals(1510, range.toValue(255));
		assertEquals(1255, range.toValue(127.5));
		final DisplayRange inverted = new DisplayRange(0, 255, true);
		assertEquals(255, inverted.toByte(0), "with an inverting LUT, 0 is displayed white");
		assertEquals(0, inverted.toValue(255));
	}
}
