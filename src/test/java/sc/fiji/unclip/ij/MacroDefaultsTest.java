package sc.fiji.unclip.ij;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ij.Macro;
import ij.macro.Interpreter;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.scijava.Context;
import org.scijava.command.CommandService;
import org.scijava.convert.ConvertService;
import org.scijava.module.Module;
import org.scijava.module.ModuleItem;
import org.scijava.module.ModuleService;
import org.scijava.service.Service;

/**
 * {@link MacroDefaults} inside the real macro interpreter, after the step imagej-legacy's
 * {@code MacroPreprocessor} does (each key the line gives is converted and resolved, unreadable ones are
 * left open): the keys left out are resolved at the command's defaults, so neither ImageJ2's dialog nor
 * remembered values reach them; an unreadable key stops the run naming it; no options, no change.
 */
public class MacroDefaultsTest {

	static Context context;

	@BeforeAll
	static void start() {
		context = new Context(CommandService.class, ModuleService.class, ConvertService.class, UnclipService.class);
	}

	@AfterAll
	static void stop() {
		context.dispose();
	}

	/** Called by the macro (on its thread, as Fiji's module thread sees the macro's options). */
	public static String process(final String options) {
		final Thread thread = Thread.currentThread();
		final String name = thread.getName();
		if (!name.startsWith("Run$_")) thread.setName("Run$_" + name); // where ImageJ 1.x keeps options
		Macro.setOptions(options.isEmpty() ? null : options);
		try {
			final Module module = context.service(ModuleService.class).createModule(context.service(
				CommandService.class).getCommand(TextToImageCommand.class));
			final ConvertService convert = context.service(ConvertService.class);
			for (final ModuleItem<?> item : module.getInfo().inputs()) { // what imagej-legacy does first
				if (Macro.getOptions() == null) break;
				final String value = Macro.getValue(Macro.getOptions(), item.getName(), null);
				if (value == null || !convert.supports(value, item.getType())) continue;
				module.setInput(item.getName(), convert.convert(value, item.getType()));
				module.resolveInput(item.getName());
			}
			final MacroDefaults defaults = new MacroDefaults();
			defaults.setContext(context);
			defaults.process(module);
			if (defaults.isCanceled()) return "cancelled: " + defaults.getCancelReason();
			final List<String> open = new ArrayList<>();
			for (final ModuleItem<?> item : module.getInfo().inputs())
				if (!module.isInputResolved(item.getName()) && !Service.class.isAssignableFrom(item.getType()) &&
					!Context.class.isAssignableFrom(item.getType()))
					open.add(item.getName());
			return "open=" + open + " n=" + module.getInput("n") + " seed=" + module.getInput("seed");
		}
		finally {
			Macro.setOptions(null);
			thread.setName(name);
		}
	}

	private static String inMacro(final String options) {
		return new Interpreter().run("return call(\"" + MacroDefaultsTest.class.getName() + ".process\", \"" +
			options + "\");", null);
	}

	@Test
	void keysALineLeavesOutTakeTheCommandsDefaults() {
		assertEquals("open=[] n=1 seed=7", inMacro("prompt=[a red circle] seed=7"));
		assertEquals("open=[] n=3 seed=-1", inMacro("n=3"));
	}

	@Test
	void aKeyImageJ2CouldNotReadStopsTheRunNamingIt() {
		assertEquals("cancelled: Text to Image...: 'n=abc' is not valid; n must be a whole number.", inMacro(
			"prompt=x n=abc"));
	}

	@Test
	void withoutOptionsNothingIsResolvedSoTheDialogOpensAsInImageJ() {
		assertEquals("open=[prompt, n, seed, steps, guidance, scheduler] n=1 seed=-1", inMacro(""));
	}

	@Test
	void outsideAMacroNothingChanges() {
		assertEquals("open=[prompt, seed, steps, guidance, scheduler] n=3 seed=-1", process("n=3"));
	}
}
