package sc.fiji.unclip.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ij.ImagePlus;
import ij.process.ColorProcessor;

import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.scijava.ItemVisibility;
import org.scijava.command.CommandInfo;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sc.fiji.unclip.engine.BundledModel;
import sc.fiji.unclip.engine.EmbeddedGenerator;
import sc.fiji.unclip.engine.TorchSettings;
import sc.fiji.unclip.service.InferenceService;
import sc.fiji.unclip.service.ServiceConfig;

/** unCLIP Settings...: choosing a back end, and the messages when the chosen one cannot work. */
class SettingsCommandTest {

	PluginContext plugin;

	@BeforeEach
	void start() {
		plugin = new PluginContext();
	}

	@AfterEach
	void stop() {
		plugin.close();
	}

	@Test
	void aFolderWithoutAManifestIsRefusedAndTheBackEndStays(@TempDir final Path empty) {
		plugin.failure("unclip.json", SettingsCommand.class, "backend", Backend.FOLDER, "model", empty.toFile());
		assertEquals(Backend.BUNDLED, plugin.unclip.backend().kind());
		plugin.failure("not a service address", SettingsCommand.class, "backend", Backend.SERVICE, "server",
			"gpu host:80");
	}

	@Test
	void theDialogShowsTheEngineThreadPolicyWithoutAskingForIt() throws Exception {
		final CommandInfo info = plugin.commands.getCommand(SettingsCommand.class);
		final ModuleItem<?> engine = info.getInput("engine");
		assertEquals(ItemVisibility.MESSAGE, engine.getVisibility());
		final Module module = plugin.commands.getModuleService().createModule(info);
		final String shown = (String) module.getInput("engine");
		assertEquals(TorchSettings.description(), shown);
		assertTrue(shown.contains("libtorch thread") && shown.contains("-Dunclip.threads=N"), shown);
	}

	@Test
	void anotherBundleFolderIsUsedForTheNextCommand() {
		final File bundle = BundledModel.FOLDER.toFile();
		plugin.result(SettingsCommand.class, "backend", Backend.FOLDER, "model", bundle);
		assertEquals(Backend.FOLDER, plugin.unclip.backend().kind());
		final ImagePlus image = plugin.result(TextToImageCommand.class, "prompt", "a blue square", "seed", 2L,
			"steps", 3);
		assertEquals("shapes-tiny", image.getProp("unclip.model"));
	}

	@Test
	void changingOnlyTheUrlKeepsTheStoredApiKeyAndANewKeyReplacesIt() {
		plugin.result(SettingsCommand.class, "backend", Backend.SERVICE, "server", "http://127.0.0.1:9", "apikey",
			"stored-key");
		plugin.result(SettingsCommand.class, "backend", Backend.SERVICE, "server", "http://127.0.0.1:10");
		assertEquals("http://127.0.0.1:10", plugin.unclip.backend().server());
		assertEquals("stored-key", plugin.unclip.backend().apiKey(), "an empty key field keeps the stored key");
		plugin.result(SettingsCommand.class, "backend", Backend.SERVICE, "server", "http://127.0.0.1:10", "apikey",
			"new-key");
		assertEquals("new-key", plugin.unclip.backend().apiKey());
	}

	@Test
	void anUnreachableServiceGivesAClearMessage() throws Exception {
		final int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		plugin.result(SettingsCommand.class, "backend", Backend.SERVICE, "server", "http://127.0.0.1:" +
			closedPort);
		final String message = plugin.failure("127.0.0.1:" + closedPort, TextToImageCommand.class, "prompt",
			"a red circle", "seed", 1L);
		final ImagePlus source = new ImagePlus("x", new ColorProcessor(16, 16));
		final SourceSnapshot before = SourceSnapshot.of(source);
		plugin.failure("127.0.0.1:" + closedPort, ImageVariationsCommand.class, "image", source, "seed", 1L);
		before.assertUnchanged(source);
		System.out.println("unreachable: " + message);
	}

	@Test
	void aWrongApiKeyGivesAClearMessageAndTheRightOneWorks() throws Exception {
		try (EmbeddedGenerator engine = EmbeddedGenerator.openDefault(); InferenceService service = InferenceService
			.start(ServiceConfig.defaults().withAddress("127.0.0.1", 0).withApiKey("right-key"), engine))
		{
			final String url = "http://127.0.0.1:" + service.port();
			plugin.result(SettingsCommand.class, "backend", Backend.SERVICE, "server", url, "apikey", "wrong-key");
			plugin.failure("key", TextToImageCommand.class, "prompt", "a red circle", "seed", 1L, "steps", 3);
			plugin.result(SettingsCommand.class, "backend", Backend.SERVICE, "server", url, "apikey", "right-key");
			final ImagePlus remote = plugin.result(TextToImageCommand.class, "prompt", "a red circle", "seed", 1L,
				"steps", 3);
			assertEquals(BundledModel.SIZE, remote.getWidth());
		}
	}
}
