package sc.fiji.unclip;

/** Thrown by a call that was cancelled through its {@link Cancellation}. */
public class CancelledException extends UnclipException {

	public CancelledException() {
		super("Cancelled.");
	}
}
