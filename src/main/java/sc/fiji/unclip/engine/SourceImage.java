package sc.fiji.unclip.engine;

/**
 * An 8-bit RGB image as a pipeline receives it, before any resizing: kinds whose preprocessing must equal
 * their reference's (Pillow resizes in Kandinsky 2.2's pipelines) start from these pixels.
 *
 * @param argb row-major {@code 0xAARRGGBB} pixels (alpha ignored)
 */
public record SourceImage(int[] argb, int width, int height) {

	public SourceImage {
		if (argb.length != width * height) throw new IllegalArgumentException(argb.length + " pixels for " +
			width + "x" + height);
	}

	/**
	 * The pixels as the pipelines' source tensor [3,height,width] in [-1,1], without resizing: for callers
	 * (parity cases) whose image is already at the model's size.
	 */
	public float[] tensor() {
		return ImageTensors.toTensor(sc.fiji.unclip.engine.io.ArgbImages.toAwt(argb, width, height));
	}
}
