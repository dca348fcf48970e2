package io.litecomm;

/**
 * Base of litecomm's exceptions; all are unchecked and name the channel, file or domain concerned.
 */
public class CommException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened, naming the channel or file
     */
    public CommException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what happened, naming the channel or file
     * @param cause the underlying error
     */
    public CommException(String message, Throwable cause) {
        super(message, cause);
    }
}
