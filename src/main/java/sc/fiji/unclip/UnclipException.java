package sc.fiji.unclip;

/**
 * A problem the user can fix (bad input, missing model file, unreachable server), with a message that says
 * what was wrong and what to do. Front ends show the message without a stack trace.
 */
public class UnclipException extends RuntimeException {

	public UnclipException(final String message) {
		super(message);
	}

	public UnclipException(final String message, final Throwable cause) {
		super(message, cause);
	}
}
