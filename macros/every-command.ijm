// unCLIP: every generating command in one batch-mode macro, as headless automation (a cluster job, Fiji's
// --headless) runs them. Each command's new image is the macro's current image (getTitle), is counted in
// nImages and is saved as PNG; summary.txt lists title and nImages after each step.
// Argument (optional): the output folder; without one, ImageJ's temp folder is used.
//   java -jar unclip.jar imagej -batch macros/every-command.ijm /path/to/folder
//   fiji --headless -batch macros/every-command.ijm /path/to/folder
dir = getArgument();
if (dir == "") dir = getDirectory("temp");
if (!endsWith(dir, "/") && !endsWith(dir, File.separator)) dir = dir + File.separator;
File.makeDirectory(dir);
setBatchMode(true);
summary = "";

run("Text to Image...", "prompt=[a red circle on a blue background] n=1 seed=7 steps=0 guidance=0 scheduler=[model default]");
summary = summary + "text to image: " + getTitle() + " | nImages=" + nImages + "\n";
saveAs("PNG", dir + "text-to-image.png");
made = getTitle();

run("Image Variations...", "n=1 seed=11 strength=1 steps=0 guidance=0 scheduler=[model default] planes=[current plane]");
summary = summary + "variations: " + getTitle() + " | nImages=" + nImages + "\n";
saveAs("PNG", dir + "variations.png");

selectImage(made);
makeOval(8, 8, 16, 16);
run("Inpaint Selection...", "prompt=[a yellow square] n=1 seed=5 steps=0 guidance=0 scheduler=[model default] grow=0 feather=2 output=[new image] regions=selection planes=[current plane]");
summary = summary + "inpaint: " + getTitle() + " | nImages=" + nImages + "\n";
saveAs("PNG", dir + "inpaint.png");

File.saveString(summary, dir + "summary.txt");
print(summary);
