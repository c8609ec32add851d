#@ sc.fiji.unclip.ij.UnclipService unclip
#@ String (label = "Prompt", value = "a red circle on a blue background") prompt
#@ Long (label = "Seed", value = 7) seed
#@ Integer (label = "Images", value = 1, min = 1, max = 16) n
#@output java.util.List images

// unCLIP from a Fiji script, without ImagePlus: the engine's own ImgLib2 images (Img<ARGBType>, one per seed).
// UnclipService is the model Fiji's unCLIP commands use (the bundled model, a bundle folder or a service, as
// chosen in Plugins > unCLIP > unCLIP Settings...), loaded once per session and shared with them.
import sc.fiji.unclip.Cancellation
import sc.fiji.unclip.ProgressListener
import sc.fiji.unclip.SamplingOptions
import sc.fiji.unclip.TextToImageRequest

def result = unclip.generator().textToImage(
	new TextToImageRequest(prompt, n, seed, SamplingOptions.DEFAULTS),  // steps, guidance, scheduler: the model's
	ProgressListener.NONE, new Cancellation())
result.warnings().each { println "unCLIP: $it" }
images = result.images()
println "unCLIP made ${images.size()} image(s) of ${images[0].dimension(0)}x${images[0].dimension(1)} " +
	"with ${result.provenance().modelName()}, seeds ${seed}..${seed + n - 1}"
