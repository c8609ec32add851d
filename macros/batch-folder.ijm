// unCLIP: every image of a folder.
// Runs Image Variations (command=variations) or Inpaint Selection on a centred oval (command=inpaint)
// on each image file of the folder input=..., and writes one PNG per image into output=... (created if
// needed) under the same name. Fixed seeds make the run repeatable. Prints each file written.
// Argument: "input=/images output=/results [command=variations|inpaint] [prompt=[a yellow square]] [seed=1]"
//   java -jar unclip.jar imagej -batch macros/batch-folder.ijm "input=in output=out command=inpaint"
arg = getArgument();
input = call("ij.Macro.getValue", arg, "input", "");
output = call("ij.Macro.getValue", arg, "output", "");
command = call("ij.Macro.getValue", arg, "command", "variations");
prompt = call("ij.Macro.getValue", arg, "prompt", "a yellow square");
seed = parseInt(call("ij.Macro.getValue", arg, "seed", "1"));
if (input == "" || output == "")
	exit("batch-folder.ijm needs input=/folder/of/images and output=/folder/for/results");
if (command != "variations" && command != "inpaint")
	exit("batch-folder.ijm: command=" + command + " is not known; use command=variations or command=inpaint");
if (!endsWith(input, "/") && !endsWith(input, File.separator)) input = input + File.separator;
if (!endsWith(output, "/") && !endsWith(output, File.separator)) output = output + File.separator;
File.makeDirectory(output);

setBatchMode(true);
files = getFileList(input);
written = 0;
for (i = 0; i < files.length; i++) {
	name = files[i];
	lower = toLowerCase(name);
	if (!(endsWith(lower, ".png") || endsWith(lower, ".tif") || endsWith(lower, ".tiff") || endsWith(lower, ".jpg")))
		continue;
	open(input + name);
	source = getImageID();
	if (command == "variations") {
		run("Image Variations...", "n=1 seed=" + (seed + i) + " strength=1 steps=0 guidance=0 scheduler=[model default] planes=[current plane]");
	} else {
		makeOval(getWidth() / 4, getHeight() / 4, getWidth() / 2, getHeight() / 2);
		run("Inpaint Selection...", "prompt=[" + prompt + "] n=1 seed=" + (seed + i) + " steps=0 guidance=0 scheduler=[model default] grow=0 feather=2 output=[new image] regions=selection planes=[current plane]");
	}
	path = output + replace(name, "\\.[^.]*$", "") + ".png";
	saveAs("PNG", path);
	print(path);
	close();
	selectImage(source);
	close();
	written = written + 1;
}
print(written + " images written to " + output);
