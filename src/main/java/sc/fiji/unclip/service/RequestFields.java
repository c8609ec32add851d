package sc.fiji.unclip.service;

import java.util.Map;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

/**
 * The named parameters of an images request, whether they came as JSON (generations) or as multipart text
 * fields (edits, variations), with type checks that name the offending field.
 */
abstract class RequestFields {

	abstract boolean has(String name);

	abstract String string(String name);

	abstract Long integer(String name);

	abstract Double number(String name);

	abstract Boolean bool(String name);

	static RequestFields of(final JsonObject json) {
		return new Json(json);
	}

	static RequestFields of(final Map<String, String> form) {
		return new Form(form);
	}

	static ApiException wrongType(final String name, final String expected) {
		return ApiException.badRequest("invalid_type", "'" + name + "' must be " + expected + ".");
	}

	private static final class Json extends RequestFields {

		private final JsonObject json;

		Json(final JsonObject json) {
			this.json = json;
		}

		@Override
		boolean has(final String name) {
			return json.has(name) && !json.get(name).isJsonNull();
		}

		private JsonPrimitive primitive(final String name, final String expected) {
			final JsonElement e = json.get(name);
			if (!e.isJsonPrimitive()) throw wrongType(name, expected);
			return e.getAsJsonPrimitive();
		}

		@Override
		String string(final String name) {
			if (!has(name)) return null;
			final JsonPrimitive p = primitive(name, "a string");
			if (!p.isString()) throw wrongType(name, "a string");
			return p.getAsString();
		}

		@Override
		Long integer(final String name) {
			if (!has(name)) return null;
			final JsonPrimitive p = primitive(name, "an integer");
			if (!p.isNumber()) throw wrongType(name, "an integer");
			try {
				return p.getAsBigDecimal().longValueExact();
			}
			catch (final ArithmeticException e) {
				throw wrongType(name, "an integer");
			}
		}

		@Override
		Double number(final String name) {
			if (!has(name)) return null;
			final JsonPrimitive p = primitive(name, "a number");
			if (!p.isNumber()) throw wrongType(name, "a number");
			return p.getAsDouble();
		}

		@Override
		Boolean bool(final String name) {
			if (!has(name)) return null;
			final JsonPrimitive p = primitive(name, "true or false");
			if (!p.isBoolean()) throw wrongType(name, "true or false");
			return p.getAsBoolean();
		}
	}

	private static final class Form extends RequestFields {

		private final Map<String, String> form;

		Form(final Map<String, String> form) {
			this.form = form;
		}

		@Override
		boolean has(final String name) {
			return form.containsKey(name) && !form.get(name).isEmpty();
		}

		@Override
		String string(final String name) {
			return has(name) ? form.get(name) : null;
		}

		@Override
		Long integer(final String name) {
			if (!has(name)) return null;
			try {
				return Long.parseLong(form.get(name).strip());
			}
			catch (final NumberFormatException e) {
				throw wrongType(name, "an integer");
			}
		}

		@Override
		Double number(final String name) {
			if (!has(name)) return null;
			try {
				return Double.parseDouble(form.get(name).strip());
			}
			catch (final NumberFormatException e) {
				throw wrongType(name, "a number");
			}
		}

		@Override
		Boolean bool(final String name) {
			if (!has(name)) return null;
			final String v = form.get(name).strip();
			if (v.equalsIgnoreCase("true")) return true;
			if (v.equalsIgnoreCase("false")) return false;
			throw wrongType(name, "true or false");
		}
	}
}
