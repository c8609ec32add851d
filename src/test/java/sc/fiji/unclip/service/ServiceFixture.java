package sc.fiji.unclip.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import javax.imageio.ImageIO;

import sc.fiji.unclip.Generator;

/** A real service on a loopback port with a plain JDK HTTP client, for endpoint tests. */
final class ServiceFixture implements AutoCloseable {

	final InferenceService service;
	final URI base;
	final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	ServiceFixture(final ServiceConfig config, final Generator generator) throws IOException {
		service = InferenceService.start(config.withAddress("127.0.0.1", 0), generator);
		base = URI.create("http://127.0.0.1:" + service.port());
	}

	static ServiceConfig config() {
		return ServiceConfig.defaults().withAddress("127.0.0.1", 0);
	}

	record Reply(int status, HttpHeaders headers, String body) {

		JsonObject json() {
			return JsonParser.parseString(body).getAsJsonObject();
		}

		/** Asserts an OpenAI-shaped error with this status and code. */
		void assertError(final int expectedStatus, final String code) {
			assertEquals(expectedStatus, status, body);
			final JsonObject error = json().getAsJsonObject("error");
			assertNotNull(error, body);
			assertEquals(code, error.get("code").getAsString(), body);
			assertTrue(error.get("message").getAsString().length() > 10, body);
			assertNotNull(error.get("type").getAsString());
		}

		/** The decoded images of a success reply, as ARGB int arrays (alpha forced opaque). */
		List<int[]> images() {
			assertEquals(200, status, body);
			final List<int[]> images = new ArrayList<>();
			for (final JsonElement item : json().getAsJsonArray("data")) {
				try {
					final BufferedImage image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(
						item.getAsJsonObject().get("b64_json").getAsString())));
					final int[] argb = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image
						.getWidth());
					for (int i = 0; i < argb.length; i++)
						argb[i] |= 0xff000000;
					images.add(argb);
				}
				catch (final IOException e) {
					throw new AssertionError(e);
				}
			}
			return images;
		}
	}

	Reply send(final HttpRequest.Builder request) throws IOException, InterruptedException {
		final HttpResponse<String> r = http.send(request.timeout(Duration.ofMinutes(2)).build(),
			HttpResponse.BodyHandlers.ofString());
		return new Reply(r.statusCode(), r.headers(), r.body());
	}

	HttpRequest.Builder request(final String path) {
		return HttpRequest.newBuilder(base.resolve(path));
	}

	Reply get(final String path) throws IOException, InterruptedException {
		return send(request(path).GET());
	}

	Reply postJson(final String path, final String json) throws IOException, InterruptedException {
		return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers
			.ofString(json)));
	}

	Reply postForm(final String path, final Form form) throws IOException, InterruptedException {
		return send(request(path).header("Content-Type", form.contentType()).POST(HttpRequest.BodyPublishers
			.ofByteArray(form.bytes())));
	}

	/** A multipart/form-data body. */
	static final class Form {

		private final String boundary = "b-" + UUID.randomUUID();
		private final ByteArrayOutputStream out = new ByteArrayOutputStream();

		Form field(final String name, final Object value) {
			out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
				"\"\r\n\r\n" + value + "\r\n").getBytes(StandardCharsets.UTF_8));
			return this;
		}

		Form file(final String name, final byte[] content) {
			out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
				"\"; filename=\"" + name + ".png\"\r\nContent-Type: image/png\r\n\r\n").getBytes(
					StandardCharsets.UTF_8));
			out.writeBytes(content);
			out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
			return this;
		}

		String contentType() {
			return "multipart/form-data; boundary=" + boundary;
		}

		byte[] bytes() {
			final ByteArrayOutputStream copy = new ByteArrayOutputStream();
			copy.writeBytes(out.toByteArray());
			copy.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
			return copy.toByteArray();
		}
	}

	static byte[] png(final int width, final int height, final int argb, final boolean alpha) {
		final BufferedImage image = new BufferedImage(width, height, alpha ? BufferedImage.TYPE_INT_ARGB
			: BufferedImage.TYPE_INT_RGB);
		for (int y = 0; y < height; y++)
			for (int x = 0; x < width; x++)
				image.setRGB(x, y, argb);
		try {
			final ByteArrayOutputStream out = new ByteArrayOutputStream();
			ImageIO.write(image, "png", out);
			return out.toByteArray();
		}
		catch (final IOException e) {
			throw new AssertionError(e);
		}
	}

	@Override
	public void close() {
		service.close();
	}
}
