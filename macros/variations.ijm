// unCLIP: variations of the open image.
// Makes two variations of the current image (or, when no image is open, of the file given as image=...),
// as one stack, and saves it as TIFF (each plane also as PNG) into the folder output=... (default: ImageJ's
// temp folder). Prints the paths written.
// Argument (optional): "image=/path/to/picture.png output=/path/to/folder"
//   java -jar unclip.jar imagej -batch macros/variations.ijm "image=cat.png output=results"
arg = getArgument();
image = call("ij.Macro.getValue", arg, "image", "");
dir = call("ij.Macro.getValue", arg, "output", getDirectory("temp"));
if (!endsWith(dir, "/") && !endsWith(dir, File.separator)) dir = dir + File.separator;
File.makeDirectory(dir);

if (nImages == 0) {
	if (image == "") exit("variations.ijm: open an image first, or give one: image=/path/to/picture.png");
	open(image);
}
source = getTitle();
run("Image Variations...", "n=2 seed=11 strength=1 steps=0 guidance=0 scheduler=[model default] planes=[current plane]");
name = replace(source, "\\.[^.]*$", "");
base = dir + name + "-variations";
saveAs("Tiff", base + ".tif");
print(base + ".tif");
for (i = 1; i <= nSlices; i++) {
	setSlice(i);
	saveAs("PNG", base + "-" + i + ".png"); // the current plane
	print(base + "-" + i + ".png");
}
close();
