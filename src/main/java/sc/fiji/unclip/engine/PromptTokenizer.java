package sc.fiji.unclip.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import sc.fiji.unclip.UnclipException;

/**
 * The bundle's CLIP tokenizer (DJL's HuggingFace tokenizers binding on {@code tokenizer.json}): a prompt
 * becomes exactly {@code contextLength} ids, start and end tokens included, padded with {@code padId}.
 * Long prompts are cut keeping the end token, as CLIP does, and say so.
 */
public final class PromptTokenizer implements AutoCloseable {

	/** Ids of one prompt and whether it had to be cut. */
	public record Tokens(long[] ids, boolean truncated, int length) {}

	private final HuggingFaceTokenizer tokenizer;
	private final int contextLength;
	private final long eosId;
	private final long padId;

	public PromptTokenizer(final Path file, final int contextLength, final long eosId, final long padId) {
		try {
			tokenizer = HuggingFaceTokenizer.builder().optTokenizerPath(file).optTruncation(false).optPadding(
				false).build();
		}
		catch (final IOException | RuntimeException e) {
			throw new UnclipException("Cannot read the tokenizer " + file + ": " + e.getMessage(), e);
		}
		this.contextLength = contextLength;
		this.eosId = eosId;
		this.padId = padId;
	}

	/** The tokenizer a bundle's manifest names ({@code tokenizer}: file, context length, end and pad ids). */
	public static PromptTokenizer of(final Bundle bundle) {
		final com.google.gson.JsonObject t = bundle.manifest().getAsJsonObject("tokenizer");
		return new PromptTokenizer(bundle.dir().resolve(t.get("file").getAsString()), t.get("context_length")
			.getAsInt(), t.get("eos_id").getAsLong(), t.get("pad_id").getAsLong());
	}

	public Tokens encode(final String prompt) {
		if (prompt == null || prompt.isBlank()) throw new UnclipException(
			"The prompt is empty; describe the image to generate, e.g. \"a red circle on a blue background\".");
		return encodeText(prompt);
	}

	/**
	 * Any text, the empty one included (an unconditional prompt is the encoded empty text): ids padded to
	 * the context length; {@link Tokens#length()} real tokens (start and end included, at most the context
	 * length) make the attention mask.
	 */
	public Tokens encodeText(final String text) {
		final long[] raw = tokenizer.encode(text).getIds();
		final boolean truncated = raw.length > contextLength;
		final long[] ids = new long[contextLength];
		Arrays.fill(ids, padId);
		System.arraycopy(raw, 0, ids, 0, Math.min(raw.length, contextLength));
		if (truncated) ids[contextLength - 1] = eosId;
		return new Tokens(ids, truncated, raw.length);
	}

	/** Ids and attention masks of several texts, each {@code contextLength} long, row after row. */
	public record Batch(long[] ids, long[] mask) {}

	/**
	 * {@link #encodeText} of each text with its attention mask (1 for every token up to and including the
	 * end token, 0 for padding), as the pipelines' tokenizer call with padding to the context length gives.
	 */
	public Batch encodeBatch(final java.util.List<String> texts) {
		final int b = texts.size();
		final long[] ids = new long[b * contextLength], mask = new long[b * contextLength];
		for (int i = 0; i < b; i++) {
			final Tokens tokens = encodeText(texts.get(i));
			System.arraycopy(tokens.ids(), 0, ids, i * contextLength, contextLength);
			Arrays.fill(mask, i * contextLength, i * contextLength + Math.min(tokens.length(), contextLength), 1);
		}
		return new Batch(ids, mask);
	}

	public int contextLength() {
		return contextLength;
	}

	@Override
	public void close() {
		tokenizer.close();
	}
}
