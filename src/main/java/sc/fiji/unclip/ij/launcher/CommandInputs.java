package sc.fiji.unclip.ij.launcher;

import ij.ImagePlus;
import ij.plugin.frame.RoiManager;

import java.io.File;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.scijava.Context;
import org.scijava.ItemVisibility;
import org.scijava.convert.ConvertService;
import org.scijava.module.ModuleInfo;
import org.scijava.module.ModuleItem;
import org.scijava.service.Service;

import sc.fiji.unclip.UnclipException;

/**
 * Which inputs of a SciJava command a macro or a dialog sets, and how a macro's text becomes a typed value:
 * the same names, types, choices and ranges ImageJ2 reads from the {@code @Parameter} annotations, with a
 * message naming the key and what it accepts when a value does not fit.
 */
final class CommandInputs {

	private final ModuleInfo info;
	private final String command;

	CommandInputs(final ModuleInfo info, final String command) {
		this.info = info;
		this.command = command;
	}

	/** Inputs the user gives (macro keys, dialog fields): not services, images or the ROI Manager. */
	List<ModuleItem<?>> userInputs() {
		final List<ModuleItem<?>> items = new ArrayList<>();
		for (final ModuleItem<?> item : info.inputs()) {
			if (isContextual(item) || isImage(item)) continue;
			items.add(item);
		}
		return items;
	}

	/** {@code ImagePlus} inputs: filled with the current image, or the image a macro names by title. */
	List<ModuleItem<?>> imageInputs() {
		final List<ModuleItem<?>> items = new ArrayList<>();
		for (final ModuleItem<?> item : info.inputs())
			if (isImage(item)) items.add(item);
		return items;
	}

	/** Every key a macro may use, for the message about an unknown one. */
	List<String> keys() {
		final List<String> keys = new ArrayList<>();
		for (final ModuleItem<?> item : info.inputs()) {
			if (isContextual(item) || item.getVisibility() == ItemVisibility.MESSAGE) continue;
			keys.add(item.getName());
		}
		return keys;
	}

	static boolean isImage(final ModuleItem<?> item) {
		return ImagePlus.class.isAssignableFrom(item.getType());
	}

	/** Filled from the running application, never typed by a user (and never recorded). */
	static boolean isContextual(final ModuleItem<?> item) {
		final Class<?> type = item.getType();
		return Service.class.isAssignableFrom(type) || Context.class.isAssignableFrom(type) ||
			RoiManager.class.isAssignableFrom(type);
	}

	static boolean isPassword(final ModuleItem<?> item) {
		final String style = item.getWidgetStyle();
		if (style == null) return false;
		for (final String s : style.split(","))
			if (s.trim().equals("password")) return true;
		return false;
	}

	/** The value {@code text} stands for, checked against the input's type, choices and range. */
	Object convert(final ModuleItem<?> item, final String text, final ConvertService convert) {
		final Class<?> type = box(item.getType());
		final String key = item.getName();
		final String value = text.trim();
		final Object result;
		if (type == Boolean.class) {
			if (text == MacroOptions.FLAG || value.equalsIgnoreCase("true")) result = true;
			else if (value.equalsIgnoreCase("false")) result = false;
			else throw bad(key, text, "true or false");
		}
		else if (text == MacroOptions.FLAG) {
			throw bad(key, "", "a value (" + key + "=...)");
		}
		else if (type == Integer.class || type == Long.class || type == Short.class || type == Byte.class) {
			result = wholeNumber(item, type, value);
		}
		else if (type == Double.class || type == Float.class) {
			final double d;
			try {
				d = Double.parseDouble(value);
			}
			catch (final NumberFormatException e) {
				throw bad(key, text, "a number" + range(item));
			}
			if (!Double.isFinite(d)) throw bad(key, text, "a finite number" + range(item));
			result = type == Float.class ? (Object) (float) d : (Object) d;
		}
		else if (type == String.class) {
			final List<?> choices = item.getChoices();
			result = choices == null || choices.isEmpty() ? text : canonicalChoice(item, text);
		}
		else if (type == File.class) {
			result = value.isEmpty() ? null : new File(value);
		}
		else if (type == Character.class) {
			if (text.length() != 1) throw bad(key, text, "one character");
			result = text.charAt(0);
		}
		else {
			if (!convert.supports(text, item.getType())) throw bad(key, text, "a " + item.getType()
				.getSimpleName());
			result = convert.convert(text, item.getType());
		}
		checkChoice(item, result, text);
		checkRange(item, result, text);
		return result;
	}

	private Object wholeNumber(final ModuleItem<?> item, final Class<?> type, final String value) {
		final long l;
		try {
			// "7" and "7.0" both mean 7: ImageJ's recorder writes numbers either way
			l = new BigDecimal(value).longValueExact();
		}
		catch (final NumberFormatException | ArithmeticException e) {
			throw bad(item.getName(), value, "a whole number" + range(item));
		}
		if (type == Long.class) return l;
		final long min = type == Integer.class ? Integer.MIN_VALUE : type == Short.class ? Short.MIN_VALUE
			: Byte.MIN_VALUE;
		final long max = type == Integer.class ? Integer.MAX_VALUE : type == Short.class ? Short.MAX_VALUE
			: Byte.MAX_VALUE;
		if (l < min || l > max) throw bad(item.getName(), value, "a whole number" + range(item));
		if (type == Integer.class) return (int) l;
		if (type == Short.class) return (short) l;
		return (byte) l;
	}

	private void checkChoice(final ModuleItem<?> item, final Object value, final String text) {
		final List<?> choices = item.getChoices();
		if (choices == null || choices.isEmpty() || value == null) return;
		for (final Object c : choices)
			if (c.equals(value)) return;
		throw bad(item.getName(), text, "one of " + quoted(choices));
	}

	private void checkRange(final ModuleItem<?> item, final Object value, final String text) {
		if (!(value instanceof Number)) return;
		final double v = ((Number) value).doubleValue();
		final Object min = item.getMinimumValue(), max = item.getMaximumValue();
		if (min instanceof Number && v < ((Number) min).doubleValue() || max instanceof Number && v > ((Number) max)
			.doubleValue()) throw bad(item.getName(), text, (box(item.getType()) == Double.class || box(item
				.getType()) == Float.class ? "a number" : "a whole number") + range(item));
	}

	/** " from 1 to 16", " of at least -1", or "" for an input without a range. */
	static String range(final ModuleItem<?> item) {
		final Object min = item.getMinimumValue(), max = item.getMaximumValue();
		if (min != null && max != null) return " from " + plain(min) + " to " + plain(max);
		if (min != null) return " of at least " + plain(min);
		if (max != null) return " of at most " + plain(max);
		return "";
	}

	/** The choices of an input, for a dialog and for messages; case-insensitive match of a macro value. */
	static String canonicalChoice(final ModuleItem<?> item, final String text) {
		for (final Object c : item.getChoices())
			if (c.toString().equals(text)) return text;
		for (final Object c : item.getChoices())
			if (c.toString().toLowerCase(Locale.US).equals(text.toLowerCase(Locale.US))) return c.toString();
		return text;
	}

	private static String plain(final Object number) {
		if (number instanceof Double || number instanceof Float) {
			final double d = ((Number) number).doubleValue();
			if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
		}
		return number.toString();
	}

	static String quoted(final List<?> choices) {
		final StringBuilder sb = new StringBuilder();
		for (int i = 0; i < choices.size(); i++) {
			if (i > 0) sb.append(i == choices.size() - 1 ? " or " : ", ");
			sb.append('"').append(choices.get(i)).append('"');
		}
		return sb.toString();
	}

	private UnclipException bad(final String key, final String text, final String allowed) {
		return new UnclipException(command + ": '" + key + "=" + text + "' is not valid; " + key + " must be " +
			allowed + ".");
	}

	static Class<?> box(final Class<?> type) {
		if (!type.isPrimitive()) return type;
		if (type == int.class) return Integer.class;
		if (type == long.class) return Long.class;
		if (type == double.class) return Double.class;
		if (type == float.class) return Float.class;
		if (type == boolean.class) return Boolean.class;
		if (type == short.class) return Short.class;
		if (type == byte.class) return Byte.class;
		if (type == char.class) return Character.class;
		return type;
	}
}
