package sc.fiji.unclip.ij.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.gui.Line;
import ij.gui.OvalRoi;
import ij.gui.Roi;

import java.awt.Rectangle;

import org.junit.jupiter.api.Test;

import sc.fiji.unclip.UnclipException;

class SelectionMaskTest {

	@Test
	void aSelectionPartlyOutsideIsClippedToTheImage() {
		final SelectionMask mask = SelectionMask.of(new Roi(-5, 10, 20, 100), 30, 40, 0);
		assertEquals(new Rectangle(0, 10, 15, 30), mask.bounds());
		assertTrue(mask.selected(0, 39));
	}

	@Test
	void growingWidensTheMaskAndOvalsLeaveTheirCornersOut() {
		final SelectionMask oval = SelectionMask.of(new OvalRoi(10, 10, 10, 10), 40, 40, 0);
		assertFalse(oval.selected(10, 10), "corner of the box is outside the oval");
		assertTrue(oval.selected(15, 15));
		final SelectionMask grown = SelectionMask.of(new OvalRoi(10, 10, 10, 10), 40, 40, 3);
		assertEquals(16, grown.bounds().width);
	}

	@Test
	void noAreaMeansAMessageNamingWhatToDo() {
		assertTrue(assertThrows(UnclipException.class, () -> SelectionMask.of(null, 10, 10, 0)).getMessage()
			.contains("area selection"));
		assertTrue(assertThrows(UnclipException.class, () -> SelectionMask.of(new Line(0, 0, 5, 5), 10, 10, 0))
			.getMessage().contains("straight line"));
		assertThrows(UnclipException.class, () -> SelectionMask.of(new Roi(50, 50, 5, 5), 10, 10, 0));
	}
}
