package sc.fiji.unclip.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import net.imglib2.Cursor;
import net.imglib2.img.Img;
import net.imglib2.img.array.ArrayImgs;
import net.imglib2.type.numeric.ARGBType;
import net.imglib2.type.numeric.integer.UnsignedByteType;

import sc.fiji.unclip.Cancellation;
import sc.fiji.unclip.GenerationResult;
import sc.fiji.unclip.Generator;
import sc.fiji.unclip.EmbeddingSource;
import sc.fiji.unclip.InpaintRequest;
import sc.fiji.unclip.InterpolationRequest;
import sc.fiji.unclip.TextDiffRequest;
import sc.fiji.unclip.SamplingOptions;
import sc.fiji.unclip.TextToImageRequest;
import sc.fiji.unclip.UnclipException;
import sc.fiji.unclip.VariationRequest;
import sc.fiji.unclip.client.RemoteGenerator;
import sc.fiji.unclip.engine.EmbeddedGenerator;
import sc.fiji.unclip.engine.Offline;
import sc.fiji.unclip.engine.io.PngIO;

/**
 * {@code java -jar unclip.jar <command>}: generate, vary and inpaint with the embedded engine (DESIGN.md
 * "Command line"); serve and imagej hand over to their own entry points. Exit code 0 on success, 1 when the
 * work failed, 2 for a bad command line, each with a one-line reason on stderr.
 */
public final class Main {

	public static final int OK = 0, FAILED = 1, USAGE = 2;

	private static final String USAGE_TEXT = String.join("\n",
		"usage: java -jar unclip.jar <command> [options]",
		"  generate --prompt TEXT [--n N] [--seed S] [--steps K] [--guidance G] [--scheduler NAME] [--size WxH] [--model DIR] --out FILE.png",
		"  vary     --image FILE [--n N] [--seed S] [--strength X] [--steps K] [--guidance G] [--scheduler NAME] [--size WxH] [--model DIR] --out FILE.png",
		"  inpaint  --image FILE --mask FILE --prompt TEXT [--n N] [--seed S] [--feather PX] [--steps K] [--guidance G] [--scheduler NAME] [--size WxH] [--model DIR] --out FILE.png",
		"  interpolate --image A.png (--to-image B.png | --to-prompt TEXT) [--frames K] [--seed S] [--invert true|false] [--steps K] [--guidance G] [--scheduler NAME] [--model DIR] --out FILE.png",
		"  textdiff --image A.png --from-prompt TEXT --to-prompt TEXT [--amount X] [--n N] [--seed S] [--invert true|false] [--steps K] [--guidance G] [--scheduler NAME] [--model DIR] --out FILE.png",
		"  serve    [--host 127.0.0.1] [--port 8080] [--model DIR] [--api-key KEY]",
		"  imagej   [ImageJ arguments, e.g. -batch macros/text-to-image.ijm]",
		"  parity   --case DIR --model DIR   (developer: runs a case of unclip-tools verify, see models/README.md)",
		"Schedulers: ddim, ddpm, dpmsolver++, unclip. With --n > 1 files are numbered (out-1.png, ...).",
		"--size: kandinsky22 models make any multiple of 64 (default 512x512); the tiny model only its own size.",
		"interpolate writes one file per frame (out-1.png = the image, out-K.png = the target), all with the same noise;",
		"textdiff moves the image towards --to-prompt by --amount in [0, 0.5] (default 0.5); --invert (DDIM inversion, keeps the layout) is true for textdiff, false for interpolate unless given.",
		"generate, vary, inpaint, interpolate and textdiff take --server URL instead of --model to run on an inference service.");

	private static final Set<String> SAMPLING = Set.of("n", "seed", "steps", "guidance", "scheduler", "size",
		"model", "server", "out", "quiet");

	private Main() {}

	public static void main(final String[] args) {
		Offline.enforce();
		LogSettings.apply();
		// hand-over commands: they own their process (servers keep running, ImageJ has its own exit)
		if (args.length > 0 && args[0].equals("serve")) {
			sc.fiji.unclip.service.ServeCommand.main(java.util.Arrays.copyOfRange(args, 1, args.length));
			return;
		}
		if (args.length > 0 && args[0].equals("imagej")) {
			sc.fiji.unclip.ij.launcher.ImageJLauncher.main(java.util.Arrays.copyOfRange(args, 1, args.length));
			return;
		}
		final int code = run(args, System.out, System.err);
		if (code != OK) System.exit(code);
	}

	/** Runs generate, vary or inpaint; returns the exit code. */
	public static int run(final String[] args, final PrintStream out, final PrintStream err) {
		Offline.enforce();
		if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
			(args.length == 0 ? err : out).println(USAGE_TEXT);
			return args.length == 0 ? USAGE : OK;
		}
		final List<String> rest = List.of(args).subList(1, args.length);
		if ((rest.contains("--help") || rest.contains("-h")) && usage(args[0]) != null) {
			out.println(usage(args[0]));
			return OK;
		}
		try {
			return switch (args[0]) {
				case "generate" -> generate(new Arguments("generate", args, 1, known("prompt")), out, err);
				case "vary" -> vary(new Arguments("vary", args, 1, known("image", "strength")), out, err);
				case "inpaint" -> inpaint(new Arguments("inpaint", args, 1, known("image", "mask", "prompt",
					"feather")), out, err);
				case "interpolate" -> interpolate(new Arguments("interpolate", args, 1, known("image", "to-image",
					"to-prompt", "frames", "invert")), out, err);
				case "textdiff" -> textDiff(new Arguments("textdiff", args, 1, known("image", "from-prompt",
					"to-prompt", "amount", "invert")), out, err);
				case "parity" -> ParityCommand.run(new Arguments("parity", args, 1, Set.of("case", "model")), out, err);
				default -> throw new Arguments.UsageException("unknown command '" + args[0] +
					"'; use generate, vary, inpaint, interpolate, textdiff, serve, imagej or parity (--help lists the options)");
			};
		}
		catch (final Arguments.UsageException e) {
			err.println("unclip: " + e.getMessage());
			return USAGE;
		}
		catch (final UnclipException e) {
			err.println("unclip: " + e.getMessage());
			return FAILED;
		}
		catch (final IOException e) {
			err.println("unclip: " + e.getMessage());
			return FAILED;
		}
		catch (final RuntimeException e) {
			err.println("unclip: internal error: " + e);
			return FAILED;
		}
	}

	/** The usage of one command (its line of the overview, and the notes), or null for an unknown one. */
	static String usage(final String command) {
		final List<String> lines = USAGE_TEXT.lines().toList();
		final String line = lines.stream().filter(l -> l.startsWith("  " + command + " ")).findFirst().orElse(
			null);
		if (line == null) return null;
		return "usage: java -jar unclip.jar " + line.strip().replaceFirst("\\s+", " ") + "\n" + String.join("\n",
			lines.stream().filter(l -> !l.startsWith(" ") && !l.startsWith("usage:")).toList());
	}

	private static Set<String> known(final String... extra) {
		final Set<String> names = new LinkedHashSet<>(List.of(extra));
		names.addAll(SAMPLING);
		return names;
	}

	private static int generate(final Arguments a, final PrintStream out, final PrintStream err)
		throws IOException
	{
		final String prompt = a.required("prompt");
		final Path target = Path.of(a.required("out"));
		return withGenerator(a, err, g -> g.textToImage(new TextToImageRequest(prompt, n(a), seed(a), sampling(
			a)), progress(a, err), new Cancellation()), target, out);
	}

	private static int vary(final Arguments a, final PrintStream out, final PrintStream err)
		throws IOException
	{
		final Img<ARGBType> image = readImage(Path.of(a.required("image")), "--image");
		final Path target = Path.of(a.required("out"));
		final double strength = a.decimal("strength") == null ? 1.0 : a.decimal("strength");
		return withGenerator(a, err, g -> g.vary(new VariationRequest(image, n(a), seed(a), strength, sampling(
			a)), progress(a, err), new Cancellation()), target, out);
	}

	private static int inpaint(final Arguments a, final PrintStream out, final PrintStream err)
		throws IOException
	{
		final Img<ARGBType> image = readImage(Path.of(a.required("image")), "--image");
		final Img<UnsignedByteType> mask = maskOf(readImage(Path.of(a.required("mask")), "--mask"));
		final String prompt = a.required("prompt");
		final Path target = Path.of(a.required("out"));
		final double feather = a.decimal("feather") == null ? 4.0 : a.decimal("feather");
		return withGenerator(a, err, g -> g.inpaint(new InpaintRequest(image, mask, prompt, n(a), seed(a),
			feather, sampling(a)), progress(a, err), new Cancellation()), target, out);
	}

	private static int interpolate(final Arguments a, final PrintStream out, final PrintStream err)
		throws IOException
	{
		if (a.integer("n") != null) throw new Arguments.UsageException("interpolate makes one image per frame; " +
			"use --frames instead of --n");
		final String toImage = a.optional("to-image"), toPrompt = a.optional("to-prompt");
		if ((toImage == null) == (toPrompt == null)) throw new Arguments.UsageException("interpolate needs " +
			"exactly one target: --to-image FILE or --to-prompt TEXT");
		final Img<ARGBType> image = readImage(Path.of(a.required("image")), "--image");
		final EmbeddingSource to = toImage != null ? EmbeddingSource.of(readImage(Path.of(toImage),
			"--to-image")) : EmbeddingSource.of(toPrompt);
		final Path target = Path.of(a.required("out"));
		final int frames = a.integer("frames") == null ? InterpolationRequest.DEFAULT_FRAMES : a.integer("frames");
		if (frames < 2 || frames > InterpolationRequest.MAX_FRAMES) throw new Arguments.UsageException(
			"--frames must be 2 to " + InterpolationRequest.MAX_FRAMES + ", not " + frames);
		final boolean invert = Boolean.TRUE.equals(a.bool("invert"));
		return withGenerator(a, err, g -> g.interpolate(new InterpolationRequest(EmbeddingSource.of(image),
			to, InterpolationRequest.evenWeights(frames), seed(a), invert, sampling(a)), progress(a, err),
			new Cancellation()), target, out);
	}

	private static int textDiff(final Arguments a, final PrintStream out, final PrintStream err)
		throws IOException
	{
		final Img<ARGBType> image = readImage(Path.of(a.required("image")), "--image");
		final String from = a.required("from-prompt"), to = a.required("to-prompt");
		final Path target = Path.of(a.required("out"));
		final double amount = a.decimal("amount") == null ? TextDiffRequest.DEFAULT_AMOUNT : a.decimal("amount");
		final boolean invert = a.bool("invert") == null ? TextDiffRequest.DEFAULT_INVERT : a.bool("invert");
		return withGenerator(a, err, g -> g.textDiff(new TextDiffRequest(image, from, to, amount, n(a), seed(a),
			invert, sampling(a)), progress(a, err), new Cancellation()), target, out);
	}

	private interface Work {

		GenerationResult run(Generator generator);
	}

	private static int withGenerator(final Arguments a, final PrintStream err, final Work work,
		final Path target, final PrintStream out) throws IOException
	{
		if (Files.isDirectory(target)) throw new Arguments.UsageException("--out " + target +
			" is a folder; give a file name such as " + target.resolve("image.png"));
		final String model = a.optional("model");
		final String server = a.optional("server");
		if (server != null && model != null) throw new Arguments.UsageException(
			"--server and --model exclude each other: the server runs its own model");
		// --server: the same call on an inference service (key from UNCLIP_API_KEY), see README
		try (Generator generator = server != null ? RemoteGenerator.connect(URI.create(server), null)
			: model == null ? EmbeddedGenerator.openDefault() : EmbeddedGenerator.open(Path.of(model)))
		{
			final GenerationResult result = work.run(generator);
			result.warnings().forEach(w -> err.println("unclip: warning: " + w));
			final List<Path> written = write(result, target);
			written.forEach(p -> out.println(p));
			return OK;
		}
	}

	/** Writes the images with their provenance; {@code out.png} becomes out-1.png, out-2.png... for n > 1. */
	static List<Path> write(final GenerationResult result, final Path target) throws IOException {
		final List<Path> paths = new ArrayList<>();
		final int n = result.images().size();
		final Map<String, String> text = result.provenance().toMap();
		for (int i = 0; i < n; i++) {
			final Path path = n == 1 ? target : numbered(target, i + 1);
			final Path parent = path.toAbsolutePath().getParent();
			if (parent != null) Files.createDirectories(parent);
			final Map<String, String> chunk = new java.util.LinkedHashMap<>(text);
			chunk.put("unclip.index", Integer.toString(i));
			chunk.put("unclip.image.seed", Long.toString(result.provenance().imageSeed(i)));
			final Double weight = result.provenance().weight(i);
			if (weight != null) chunk.put("unclip.weight", Double.toString(weight));
			// a full disk or a kill half-way leaves the old file (or none), never half a PNG under the name
			final Path partial = Files.createTempFile(parent == null ? Path.of(".") : parent, "." + path
				.getFileName(), ".part");
			try {
				try (OutputStream os = Files.newOutputStream(partial)) {
					PngIO.write(result.images().get(i), chunk, os);
				}
				Files.move(partial, path, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
					java.nio.file.StandardCopyOption.ATOMIC_MOVE);
			}
			finally {
				Files.deleteIfExists(partial);
			}
			paths.add(path);
		}
		return paths;
	}

	static Path numbered(final Path target, final int index) {
		final String name = target.getFileName().toString();
		final int dot = name.lastIndexOf('.');
		final String numbered = dot > 0 ? name.substring(0, dot) + "-" + index + name.substring(dot) : name +
			"-" + index;
		return target.resolveSibling(numbered);
	}

	private static Img<ARGBType> readImage(final Path path, final String option) throws IOException {
		try (InputStream in = Files.newInputStream(path)) {
			return PngIO.read(in);
		}
		catch (final NoSuchFileException e) {
			throw new UnclipException(option + " file " + path + " does not exist.");
		}
		catch (final UnclipException e) {
			throw new UnclipException(option + " file " + path + ": " + e.getMessage(), e);
		}
	}

	/** Mask from an image: any non-black pixel marks the region to regenerate. */
	static Img<UnsignedByteType> maskOf(final Img<ARGBType> image) {
		final Img<UnsignedByteType> mask = ArrayImgs.unsignedBytes(image.dimension(0), image.dimension(1));
		final Cursor<ARGBType> c = image.localizingCursor();
		final var ra = mask.randomAccess();
		while (c.hasNext()) {
			final int v = c.next().get() & 0xffffff;
			ra.setPosition(c);
			ra.get().set(v != 0 ? 255 : 0);
		}
		return mask;
	}

	private static int n(final Arguments a) {
		return a.integer("n") == null ? 1 : a.integer("n");
	}

	private static long seed(final Arguments a) {
		return a.longValue("seed") == null ? 0L : a.longValue("seed");
	}

	private static SamplingOptions sampling(final Arguments a) {
		final SamplingOptions options = new SamplingOptions(a.integer("steps"), a.decimal("guidance"), a.optional(
			"scheduler"));
		final String size = a.optional("size");
		if (size == null) return options;
		final java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,5})x(\\d{1,5})").matcher(size
			.trim());
		if (!m.matches()) throw new Arguments.UsageException("--size '" + size + "' is not WIDTHxHEIGHT, e.g. " +
			"--size 768x512");
		return options.withSize(Integer.valueOf(m.group(1)), Integer.valueOf(m.group(2)));
	}

	private static sc.fiji.unclip.ProgressListener progress(final Arguments a, final PrintStream err) {
		return "true".equals(a.optional("quiet")) ? sc.fiji.unclip.ProgressListener.NONE : new TerminalProgress(
			err);
	}

}
