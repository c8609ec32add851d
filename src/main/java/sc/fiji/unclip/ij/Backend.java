package sc.fiji.unclip.ij;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import sc.fiji.unclip.Generator;
import sc.fiji.unclip.UnclipException;
import sc.fiji.unclip.client.RemoteGenerator;
import sc.fiji.unclip.engine.EmbeddedGenerator;

/**
 * Where the commands' pictures are made, as chosen in {@code unCLIP Settings...}: the bundled model, another
 * bundle folder, or an inference service. Checked when chosen, so a typo is reported by the settings dialog
 * rather than by the next generation.
 *
 * @param kind {@link #BUNDLED}, {@link #FOLDER} or {@link #SERVICE}
 * @param model bundle folder (for {@link #FOLDER})
 * @param server base URL (for {@link #SERVICE})
 * @param apiKey bearer token for the service, or empty to use {@code UNCLIP_API_KEY}
 */
public record Backend(String kind, String model, String server, String apiKey) {

	public static final String BUNDLED = "bundled model", FOLDER = "model folder", SERVICE = "service";
	public static final List<String> KINDS = List.of(BUNDLED, FOLDER, SERVICE);
	public static final Backend DEFAULT = new Backend(BUNDLED, "", "", "");

	public Backend {
		kind = kind == null || kind.isBlank() ? BUNDLED : kind.trim();
		model = model == null ? "" : model.trim();
		server = server == null ? "" : server.trim();
		apiKey = apiKey == null ? "" : apiKey.trim();
		if (!KINDS.contains(kind)) throw new UnclipException("Unknown back end '" + kind + "'; choose one of " +
			KINDS + ".");
		if (kind.equals(FOLDER) && (model.isEmpty() || !Files.isRegularFile(Path.of(model, "unclip.json"))))
			throw new UnclipException("'" + model + "' is not a model bundle folder (no unclip.json in it); " +
				"choose the folder that holds unclip.json.");
		if (kind.equals(SERVICE)) {
			final URI uri = parse(server);
			if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https")))
				throw new UnclipException("'" + server + "' is not a service address; give one like " +
					"http://gpu-host:8080.");
		}
	}

	private static URI parse(final String server) {
		try {
			return URI.create(server);
		}
		catch (final IllegalArgumentException e) {
			throw new UnclipException("'" + server + "' is not a service address; give one like " +
				"http://gpu-host:8080.");
		}
	}

	/** Opens the generator (loads the model, or connects lazily to the service). */
	public Generator open() {
		return switch (kind) {
			case FOLDER -> EmbeddedGenerator.open(Path.of(model));
			case SERVICE -> RemoteGenerator.connect(URI.create(server), apiKey.isEmpty() ? null : apiKey);
			default -> EmbeddedGenerator.openDefault();
		};
	}

	/** For status lines and provenance, without the key. */
	public String describe() {
		return switch (kind) {
			case FOLDER -> "model folder " + model;
			case SERVICE -> "service " + server;
			default -> "bundled model";
		};
	}
}
