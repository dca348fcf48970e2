package io.litecomm.spi;

/**
 * A transport could not do what was asked: an I/O failure, a refused path, a full disk. The
 * message names the resource and the problem. The public API turns this into
 * {@code io.litecomm.CommException}.
 */
public class TransportException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed and where
     */
    public TransportException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what failed and where
     * @param cause the underlying error
     */
    public TransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
