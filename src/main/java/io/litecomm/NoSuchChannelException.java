package io.litecomm;

/**
 * {@link Comm#getChannel(String)} found no channel of that name.
 */
public class NoSuchChannelException extends CommException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened, naming the channel or file
     */
    public NoSuchChannelException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what happened, naming the channel or file
     * @param cause the underlying error
     */
    public NoSuchChannelException(String message, Throwable cause) {
        super(message, cause);
    }
}
