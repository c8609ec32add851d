package sc.fiji.unclip.ij.launcher;

import ij.gui.GenericDialog;

import java.awt.Checkbox;
import java.awt.Choice;
import java.awt.TextField;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Vector;

import org.scijava.ItemVisibility;
import org.scijava.convert.ConvertService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.process.AbstractPreprocessorPlugin;
import org.scijava.plugin.Parameter;

/**
 * The command's dialog in ImageJ 1.x: a {@link GenericDialog} with one field per input (text, number with
 * its range, checkbox, choice, file or folder), filled with the remembered values, as ImageJ2's input
 * harvester does in Fiji. Values are read from the fields rather than through {@code getNext...}, so that
 * the dialog records nothing itself: the bridge records the command's final inputs after it ran.
 */
final class DialogInputs extends AbstractPreprocessorPlugin {

	private final String command;
	private final CommandInputs inputs;

	@Parameter
	private ConvertService convert;

	DialogInputs(final String command, final CommandInputs inputs) {
		this.command = command;
		this.inputs = inputs;
	}

	@Override
	public void process(final Module module) {
		final List<ModuleItem<?>> shown = new ArrayList<>();
		final String title = command.endsWith("...") ? command.substring(0, command.length() - 3) : command;
		final GenericDialog gd = new GenericDialog(title);
		for (final ModuleItem<?> item : inputs.userInputs()) {
			if (module.isInputResolved(item.getName())) continue;
			if (item.getVisibility() == ItemVisibility.INVISIBLE) continue;
			final String label = item.getLabel() == null || item.getLabel().isEmpty() ? item.getName() : item
				.getLabel();
			if (item.getVisibility() == ItemVisibility.MESSAGE) {
				final Object v = item.getValue(module);
				gd.addMessage(v == null ? label : v.toString());
				continue;
			}
			add(gd, item, label, item.getValue(module));
			shown.add(item);
		}
		if (shown.isEmpty()) return;
		gd.showDialog();
		if (gd.wasCanceled()) {
			cancel("");
			return;
		}
		read(gd, module, shown);
	}

	private void add(final GenericDialog gd, final ModuleItem<?> item, final String label, final Object value) {
		final Class<?> type = CommandInputs.box(item.getType());
		final List<?> choices = item.getChoices();
		if (type == Boolean.class) {
			gd.addCheckbox(label, Boolean.TRUE.equals(value));
		}
		else if (choices != null && !choices.isEmpty()) {
			final String[] items = choices.stream().map(Object::toString).toArray(String[]::new);
			gd.addChoice(label, items, value == null ? items[0] : value.toString());
		}
		else if (Number.class.isAssignableFrom(type)) {
			final boolean whole = type != Double.class && type != Float.class;
			final double d = value == null ? 0 : ((Number) value).doubleValue();
			final String range = CommandInputs.range(item).trim();
			gd.addNumericField(label, d, whole ? 0 : decimals(d, item), 8, range);
		}
		else if (type == File.class) {
			final String path = value == null ? "" : ((File) value).getPath();
			final String style = item.getWidgetStyle();
			if (style != null && style.contains("directory")) gd.addDirectoryField(label, path, 30);
			else gd.addFileField(label, path, 30);
		}
		else {
			gd.addStringField(label, value == null ? "" : convert.convert(value, String.class), 30);
			if (CommandInputs.isPassword(item)) {
				@SuppressWarnings("unchecked")
				final Vector<TextField> fields = gd.getStringFields();
				fields.lastElement().setEchoChar('*');
			}
		}
	}

	/** Enough decimals to show the value and the input's step size. */
	private static int decimals(final double value, final ModuleItem<?> item) {
		int digits = 2;
		final Number step = item.getStepSize();
		for (final double d : new double[] { value, step == null ? 1 : step.doubleValue() }) {
			int k = 0;
			double x = Math.abs(d);
			while (k < 6 && Math.abs(x - Math.rint(x)) > 1e-9) {
				x *= 10;
				k++;
			}
			digits = Math.max(digits, k);
		}
		return digits;
	}

	@SuppressWarnings("unchecked")
	private void read(final GenericDialog gd, final Module module, final List<ModuleItem<?>> shown) {
		final Vector<TextField> numbers = gd.getNumericFields(), strings = gd.getStringFields();
		final Vector<Checkbox> boxes = gd.getCheckboxes();
		final Vector<Choice> choices = gd.getChoices();
		int n = 0, s = 0, b = 0, c = 0;
		for (final ModuleItem<?> item : shown) {
			final Class<?> type = CommandInputs.box(item.getType());
			final List<?> itemChoices = item.getChoices();
			final String text;
			if (type == Boolean.class) text = Boolean.toString(boxes.get(b++).getState());
			else if (itemChoices != null && !itemChoices.isEmpty()) text = choices.get(c++).getSelectedItem();
			else if (Number.class.isAssignableFrom(type)) text = numbers.get(n++).getText();
			else text = strings.get(s++).getText();
			// the same checks as for a macro: a bad number is reported, not replaced by a default
			module.setInput(item.getName(), inputs.convert(item, text, convert));
			module.resolveInput(item.getName());
		}
	}
}
