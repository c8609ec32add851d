package sc.fiji.unclip.engine.sampling;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

import java.util.Arrays;
import java.util.List;

import sc.fiji.unclip.UnclipException;

/**
 * A diffusers scheduler config (the manifest's stage {@code config}) read key by key with diffusers' own names
 * and defaults. A value the Java schedulers do not support is a user error naming the key, the value and what
 * is supported; keys a scheduler does not read are ignored, as diffusers ignores them.
 */
final class DiffusersConfig {

	private final String scheduler;
	private final JsonObject json;

	DiffusersConfig(final String scheduler, final JsonObject json) {
		this.scheduler = scheduler;
		this.json = json == null ? new JsonObject() : json;
	}

	/** A missing or JSON-null key takes diffusers' default. */
	private JsonPrimitive primitive(final String key) {
		final JsonElement e = json.get(key);
		if (e == null || e.isJsonNull()) return null;
		if (!e.isJsonPrimitive()) throw unsupported(key, e, "a single value");
		return e.getAsJsonPrimitive();
	}

	int integer(final String key, final int defaultValue) {
		final JsonPrimitive p = primitive(key);
		if (p == null) return defaultValue;
		if (!p.isNumber() || p.getAsDouble() != Math.rint(p.getAsDouble())) throw unsupported(key, p, "an integer");
		return p.getAsInt();
	}

	double number(final String key, final double defaultValue) {
		final JsonPrimitive p = primitive(key);
		if (p == null) return defaultValue;
		if (!p.isNumber()) throw unsupported(key, p, "a number");
		return p.getAsDouble();
	}

	boolean bool(final String key, final boolean defaultValue) {
		final JsonPrimitive p = primitive(key);
		if (p == null) return defaultValue;
		if (!p.isBoolean()) throw unsupported(key, p, "true or false");
		return p.getAsBoolean();
	}

	/** A string value that must be one of {@code supported}. */
	String choice(final String key, final String defaultValue, final String... supported) {
		final JsonPrimitive p = primitive(key);
		if (p == null) return defaultValue;
		final String value = p.isString() ? p.getAsString() : p.toString();
		if (!Arrays.asList(supported).contains(value)) throw unsupported(key, p, "one of " + String.join(", ",
			supported));
		return value;
	}

	/** A string value read as-is (the caller decides what it supports). */
	String string(final String key, final String defaultValue) {
		final JsonPrimitive p = primitive(key);
		return p == null ? defaultValue : p.isString() ? p.getAsString() : p.toString();
	}

	PredictionType predictionType(final PredictionType... supported) {
		final String[] names = Arrays.stream(supported).map(t -> t.configName).toArray(String[]::new);
		final String name = choice("prediction_type", "epsilon", names);
		return Arrays.stream(supported).filter(t -> t.configName.equals(name)).findFirst().orElseThrow();
	}

	/** Fails when a diffusers feature the Java schedulers leave out is switched on. */
	void requireOff(final String... booleanKeys) {
		for (final String key : booleanKeys) {
			if (bool(key, false)) throw new UnclipException("Scheduler '" + scheduler + "': config key '" + key +
				"' = true is not supported by the Java schedulers; set it to false or remove it from the manifest.");
		}
	}

	/** Fails when a key that must stay unset (JSON null or absent) has a value. */
	void requireUnset(final List<String> keys) {
		for (final String key : keys) {
			if (json.has(key) && !json.get(key).isJsonNull()) throw new UnclipException(
				"Scheduler '" + scheduler + "': config key '" + key + "' is not supported by the Java schedulers; " +
					"remove it from the manifest.");
		}
	}

	UnclipException unsupported(final String key, final Object value, final String what) {
		return new UnclipException("Scheduler '" + scheduler + "': config key '" + key + "' = " + value +
			" is not supported; use " + what + ".");
	}
}
