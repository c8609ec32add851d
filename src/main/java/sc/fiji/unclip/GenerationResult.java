package sc.fiji.unclip;

import java.util.List;

import net.imglib2.img.Img;
import net.imglib2.type.numeric.ARGBType;

/**
 * Images made by one call, with what is needed to make them again.
 *
 * @param images one RGB image per requested image, in seed order
 * @param provenance prompt, seed, steps, guidance, scheduler, model and engine
 * @param warnings things the user should know that did not stop the call (e.g. a truncated prompt)
 */
public record GenerationResult(List<Img<ARGBType>> images, Provenance provenance,
	List<String> warnings)
{}
