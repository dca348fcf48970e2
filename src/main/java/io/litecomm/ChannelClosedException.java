package io.litecomm;

/**
 * The channel is closed: a send on it, or a blocking receive on it once drained.
 */
public class ChannelClosedException extends CommException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what happened, naming the channel or file
     */
    public ChannelClosedException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what happened, naming the channel or file
     * @param cause the underlying error
     */
    public ChannelClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
