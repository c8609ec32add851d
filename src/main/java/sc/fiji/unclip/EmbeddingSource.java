package sc.fiji.unclip;

import net.imglib2.RandomAccessibleInterval;
import net.imglib2.type.numeric.ARGBType;

/**
 * One end of an interpolation: an image (its CLIP image embedding) or a prompt (the image embedding the
 * prior makes for it). Exactly one of the two is given.
 */
public record EmbeddingSource(RandomAccessibleInterval<ARGBType> image, String prompt) {

	public EmbeddingSource {
		if ((image == null) == (prompt == null)) throw new IllegalArgumentException(
			"an interpolation end is an image or a prompt");
	}

	public static EmbeddingSource of(final RandomAccessibleInterval<ARGBType> image) {
		return new EmbeddingSource(image, null);
	}

	public static EmbeddingSource of(final String prompt) {
		return new EmbeddingSource(null, prompt);
	}

	/** How provenance names this end: the prompt, or "image". */
	public String describe() {
		return prompt != null ? prompt : "image";
	}
}
