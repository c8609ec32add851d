// unCLIP: text to image.
// Generates one picture from a prompt with a fixed seed (so it can be reproduced), saves it as PNG and
// prints the file's path. The argument (getArgument()) is the output folder; without one, ImageJ's temp
// folder is used.
//   java -jar unclip.jar imagej -batch macros/text-to-image.ijm /path/to/folder
prompt = "a red circle on a blue background";
seed = 7;

dir = getArgument();
if (dir == "") dir = getDirectory("temp");
if (!endsWith(dir, File.separator) && !endsWith(dir, "/")) dir = dir + File.separator;
File.makeDirectory(dir);

run("Text to Image...", "prompt=[" + prompt + "] n=1 seed=" + seed + " steps=0 guidance=0 scheduler=[model default]");
path = dir + "unclip-text-to-image-seed" + seed + ".png";
saveAs("PNG", path);
print(path);
close();
