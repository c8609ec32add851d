// unCLIP: text to image.
// Generates a picture from a prompt with a fixed seed (the same seed gives the same picture), saves it as
// PNG (to share) and TIFF (which keeps the provenance in Image > Show Info), and prints the PNG's path.
// Argument (optional): the output folder; without one, ImageJ's temp folder is used.
//   java -jar unclip.jar imagej -batch macros/text-to-image.ijm /path/to/folder
prompt = "a red circle on a blue background";
seed = 7;

dir = getArgument();
if (dir == "") dir = getDirectory("temp");
if (!endsWith(dir, "/") && !endsWith(dir, File.separator)) dir = dir + File.separator;
File.makeDirectory(dir);

run("Text to Image...", "prompt=[" + prompt + "] n=1 seed=" + seed + " steps=0 guidance=0 scheduler=[model default]");
base = dir + "unclip-text-to-image-seed" + seed;
saveAs("Tiff", base + ".tif");
saveAs("PNG", base + ".png");
print(base + ".png");
close();
