package sc.fiji.unclip.ij.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ij.Macro;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Macro options are read as ImageJ 1.x's {@code Macro.getValue} reads them, with every key listed. */
class MacroOptionsTest {

	private static Map<String, String> parse(final String options) {
		return MacroOptions.parse(options).values();
	}

	@Test
	void bracketsHoldSpacesAndNestedBrackets() {
		final Map<String, String> expected = new LinkedHashMap<>();
		expected.put("prompt", "a [red] circle on blue");
		expected.put("n", "2");
		expected.put("scheduler", "model default");
		assertEquals(expected, parse("prompt=[a [red] circle on blue] n=2 scheduler=[model default] "));
	}

	@Test
	void valuesAgreeWithImageJsOwnReader() {
		final String options = "prompt=[a cat] n=3 seed=-1 server= apikey= x='single quoted' flag ";
		final Map<String, String> values = parse(options);
		for (final String key : new String[] { "prompt", "n", "seed", "server", "apikey", "x" })
			assertEquals(Macro.getValue(options, key, null), values.get(key), key);
	}

	@Test
	void aKeyWithoutValueIsACheckedCheckboxAndKeysAreLowerCase() {
		final Map<String, String> values = parse("Invert N=4");
		assertEquals(MacroOptions.FLAG, values.get("invert"));
		assertEquals("4", values.get("n"));
	}

	@Test
	void theFirstOfTwoEqualKeysWinsAsInImageJ() {
		assertEquals("1", parse("n=1 n=2").get("n"));
	}

	@Test
	void anUnclosedBracketIsAnError() {
		assertThrows(IllegalArgumentException.class, () -> parse("prompt=[a cat n=2"));
	}
}
