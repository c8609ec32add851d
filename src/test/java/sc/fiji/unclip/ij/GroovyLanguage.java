package sc.fiji.unclip.ij;

import org.scijava.plugin.Plugin;
import org.scijava.script.AdaptedScriptLanguage;
import org.scijava.script.ScriptLanguage;

/**
 * Groovy for SciJava's ScriptService in the tests, through Groovy's own JSR-223 engine. Fiji's
 * {@code scripting-groovy} plugin plays this role there (it is not on Maven Central); scijava-common adapts
 * only plugins of type ScriptLanguage, not every JSR-223 engine on the class path.
 */
@Plugin(type = ScriptLanguage.class, name = "Groovy")
public class GroovyLanguage extends AdaptedScriptLanguage {

	public GroovyLanguage() {
		super("groovy");
	}
}
