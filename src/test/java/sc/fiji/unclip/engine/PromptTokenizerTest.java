package sc.fiji.unclip.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Test;

import sc.fiji.unclip.UnclipException;

/** The Java tokenizer gives the ids the Python side recorded (fixtures/tokenizer/cases.json). */
class PromptTokenizerTest {

	@Test
	void idsEqualThePythonTokenizers() throws Exception {
		final var cases = JsonParser.parseString(Files.readString(Path.of(
			"src/test/resources/fixtures/tokenizer/cases.json"))).getAsJsonArray();
		int checked = 0;
		try (PromptTokenizer tokenizer = new PromptTokenizer(BundledModel.FOLDER.resolve("tokenizer.json"), 77, 49407,
			49407))
		{
			for (final JsonElement c : cases) {
				final String text = c.getAsJsonObject().get("text").getAsString();
				final long[] expected = new long[77];
				final var ids = c.getAsJsonObject().getAsJsonArray("ids");
				for (int i = 0; i < 77; i++)
					expected[i] = ids.get(i).getAsLong();
				if (text.isBlank()) {
					assertThrows(UnclipException.class, () -> tokenizer.encode(text));
					continue;
				}
				final PromptTokenizer.Tokens tokens = tokenizer.encode(text);
				assertArrayEquals(expected, tokens.ids(), text);
				assertEquals(tokens.length() > 77, tokens.truncated(), text);
				checked++;
			}
			assertTrue(checked >= 7, "only " + checked + " cases");
			final PromptTokenizer.Tokens longOne = tokenizer.encode("word ".repeat(100));
			assertTrue(longOne.truncated());
			assertEquals(49407, longOne.ids()[76]);
			assertFalse(tokenizer.encode("a red circle").truncated());
		}
	}
}
