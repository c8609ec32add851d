/** Prints each argument and the name Fiji's updater files it under (scijava-common's stripFilenameVersion). */
public class Unversioned {
	public static void main(final String[] names) {
		for (final String name : names)
			System.out.println(name + " " + org.scijava.util.FileUtils.stripFilenameVersion(name));
	}
}
