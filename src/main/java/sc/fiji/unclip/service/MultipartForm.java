package sc.fiji.unclip.service;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a {@code multipart/form-data} body (RFC 7578), as the edits and variations endpoints receive
 * them: text fields and uploaded files, by name. File names sent by the client are ignored: the service
 * never touches the file system on a request's behalf.
 */
final class MultipartForm {

	private static final Pattern BOUNDARY = Pattern.compile("boundary=(\"?)([^\";]+)\\1");
	private static final Pattern NAME = Pattern.compile("(?i)name=\"([^\"]*)\"");

	final Map<String, String> fields = new HashMap<>();
	final Map<String, byte[]> files = new HashMap<>();

	static MultipartForm parse(final String contentType, final byte[] body) {
		final Matcher boundaryMatch = BOUNDARY.matcher(contentType);
		if (!boundaryMatch.find()) throw ApiException.badRequest("invalid_multipart",
			"The multipart/form-data Content-Type has no boundary.");
		final byte[] delimiter = ("--" + boundaryMatch.group(2)).getBytes(StandardCharsets.ISO_8859_1);
		final MultipartForm form = new MultipartForm();
		int at = indexOf(body, delimiter, 0);
		if (at < 0) throw malformed("no part starts with the boundary");
		while (true) {
			int partStart = at + delimiter.length;
			if (partStart + 1 < body.length && body[partStart] == '-' && body[partStart + 1] == '-') break;
			partStart = skipLineEnd(body, partStart);
			final int next = indexOf(body, delimiter, partStart);
			if (next < 0) throw malformed("the body ends before the closing boundary (truncated upload?)");
			int partEnd = next;
			if (partEnd >= 2 && body[partEnd - 2] == '\r' && body[partEnd - 1] == '\n') partEnd -= 2;
			else if (partEnd >= 1 && body[partEnd - 1] == '\n') partEnd -= 1;
			form.addPart(Arrays.copyOfRange(body, partStart, Math.max(partStart, partEnd)));
			at = next;
		}
		return form;
	}

	private void addPart(final byte[] part) {
		final byte[] headerEnd = "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
		int split = indexOf(part, headerEnd, 0);
		int bodyStart = split + 4;
		if (split < 0) {
			split = indexOf(part, "\n\n".getBytes(StandardCharsets.ISO_8859_1), 0);
			bodyStart = split + 2;
		}
		if (split < 0) throw malformed("a part has no header");
		final String headers = new String(part, 0, split, StandardCharsets.UTF_8);
		String disposition = null;
		for (final String line : headers.split("\r?\n")) {
			if (line.toLowerCase().startsWith("content-disposition:")) disposition = line;
		}
		if (disposition == null) throw malformed("a part has no Content-Disposition");
		final Matcher name = NAME.matcher(disposition);
		if (!name.find()) throw malformed("a part has no name");
		final byte[] content = Arrays.copyOfRange(part, bodyStart, part.length);
		if (disposition.toLowerCase().contains("filename=")) files.put(name.group(1), content);
		else fields.put(name.group(1), new String(content, StandardCharsets.UTF_8));
	}

	private static int skipLineEnd(final byte[] body, int at) {
		if (at < body.length && body[at] == '\r') at++;
		if (at < body.length && body[at] == '\n') at++;
		return at;
	}

	private static int indexOf(final byte[] haystack, final byte[] needle, final int from) {
		outer:
		for (int i = from; i <= haystack.length - needle.length; i++) {
			for (int j = 0; j < needle.length; j++)
				if (haystack[i + j] != needle[j]) continue outer;
			return i;
		}
		return -1;
	}

	private static ApiException malformed(final String why) {
		return ApiException.badRequest("invalid_multipart", "Malformed multipart/form-data body: " + why +
			".");
	}
}
