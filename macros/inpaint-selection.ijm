// unCLIP: inpaint a selection.
// Selects an oval in the middle of the current image (or of the file given as image=...) and regenerates
// what is inside it from a prompt; pixels outside the oval stay exactly as they were. The result is a new
// image, saved as TIFF and PNG into output=... (default: ImageJ's temp folder). Prints the PNG's path.
// Argument (optional): "image=/path/to/picture.png output=/path/to/folder prompt=[a yellow square]"
//   java -jar unclip.jar imagej -batch macros/inpaint-selection.ijm "image=scene.png prompt=[a green triangle]"
arg = getArgument();
image = call("ij.Macro.getValue", arg, "image", "");
prompt = call("ij.Macro.getValue", arg, "prompt", "a yellow square");
dir = call("ij.Macro.getValue", arg, "output", getDirectory("temp"));
if (!endsWith(dir, "/") && !endsWith(dir, File.separator)) dir = dir + File.separator;
File.makeDirectory(dir);

if (nImages == 0) {
	if (image == "") exit("inpaint-selection.ijm: open an image first, or give one: image=/path/to/picture.png");
	open(image);
}
source = getTitle();
w = getWidth();
h = getHeight();
makeOval(w / 4, h / 4, w / 2, h / 2);
run("Inpaint Selection...", "prompt=[" + prompt + "] n=1 seed=5 steps=0 guidance=0 scheduler=[model default] grow=0 feather=2 output=[new image] regions=selection planes=[current plane]");
name = replace(source, "\\.[^.]*$", "");
base = dir + name + "-inpainted";
saveAs("Tiff", base + ".tif");
saveAs("PNG", base + ".png");
print(base + ".png");
close();
