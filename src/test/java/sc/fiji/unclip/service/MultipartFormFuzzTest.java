package sc.fiji.unclip.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The multipart parser under random input, as a hostile client would send it: every body either parses or
 * is refused with the service's 400 (never another exception, never a hang), and any form a client can
 * write parses back to exactly its fields and files.
 */
class MultipartFormFuzzTest {

	private static final String BOUNDARY = "----unclipFuzzBoundary7MA4YWxkTrZu0gW";

	@Property(tries = 400)
	void arbitraryBodiesParseOrAreRefusedWith400(@ForAll @Size(max = 600) final byte[] body,
		@ForAll("contentTypes") final String contentType)
	{
		refusedOnlyAs400(contentType, body);
	}

	@Property(tries = 300)
	void damagedFormsParseOrAreRefusedWith400(@ForAll("forms") final Map<String, byte[]> files,
		@ForAll final long seed)
	{
		final byte[] body = encode(Map.of("prompt", "a red circle"), files);
		final java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
		final byte[] damaged = java.util.Arrays.copyOf(body, random.nextInt(body.length + 1));
		for (int k = random.nextInt(8); k > 0 && damaged.length > 0; k--)
			damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
		refusedOnlyAs400("multipart/form-data; boundary=" + BOUNDARY, damaged);
	}

	@Property(tries = 300)
	void everyWellFormedFormParsesBackToItsParts(@ForAll("forms") final Map<String, byte[]> files,
		@ForAll("texts") final String prompt)
	{
		final MultipartForm form = MultipartForm.parse("multipart/form-data; boundary=\"" + BOUNDARY + "\"",
			encode(Map.of("prompt", prompt), files));
		assertEquals(prompt, form.fields.get("prompt"));
		assertEquals(files.keySet(), form.files.keySet());
		files.forEach((name, content) -> assertArrayEquals(content, form.files.get(name), name));
	}

	private static void refusedOnlyAs400(final String contentType, final byte[] body) {
		try {
			MultipartForm.parse(contentType, body);
		}
		catch (final ApiException e) {
			assertEquals(400, e.status, e.getMessage());
			assertEquals("invalid_multipart", e.code, e.getMessage());
		}
	}

	@Provide
	Arbitrary<String> contentTypes() {
		return Arbitraries.oneOf(Arbitraries.just("multipart/form-data; boundary=" + BOUNDARY), Arbitraries
			.strings().ofMaxLength(80).map(s -> "multipart/form-data; boundary=" + s), Arbitraries.strings()
				.ofMaxLength(80));
	}

	@Provide
	Arbitrary<String> texts() {
		return Arbitraries.strings().ofMaxLength(200).filter(s -> !s.contains("--" + BOUNDARY));
	}

	/** Files as a client uploads them: binary content that does not contain the boundary line. */
	@Provide
	Arbitrary<Map<String, byte[]>> forms() {
		final Arbitrary<byte[]> content = Arbitraries.bytes().array(byte[].class).ofMaxSize(400).filter(
			b -> !new String(b, StandardCharsets.ISO_8859_1).contains("--" + BOUNDARY));
		return Combinators.combine(content, content.injectNull(0.5)).as((image, mask) -> mask == null ? Map.of(
			"image", image) : Map.of("image", image, "mask", mask));
	}

	static byte[] encode(final Map<String, String> fields, final Map<String, byte[]> files) {
		final ByteArrayOutputStream out = new ByteArrayOutputStream();
		fields.forEach((name, value) -> {
			out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n")
				.getBytes(StandardCharsets.UTF_8));
			out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
			out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
		});
		files.forEach((name, content) -> {
			out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name +
				"\"; filename=\"" + name + ".png\"\r\nContent-Type: image/png\r\n\r\n").getBytes(
					StandardCharsets.UTF_8));
			out.writeBytes(content);
			out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
		});
		out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
		return out.toByteArray();
	}
}
