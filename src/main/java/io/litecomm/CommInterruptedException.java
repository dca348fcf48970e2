package io.litecomm;

/**
 * A blocking call was interrupted; the thread's interrupt flag is set again.
 */
public class CommInterruptedException extends CommException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened, naming the channel or file
     */
    public CommInterruptedException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what happened, naming the channel or file
     * @param cause the underlying error
     */
    public CommInterruptedException(String message, Throwable cause) {
        super(message, cause);
    }
}
