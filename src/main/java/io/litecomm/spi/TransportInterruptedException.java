package io.litecomm.spi;

/**
 * A transport call gave up because the calling thread was interrupted. The public API turns it
 * into {@code io.litecomm.CommInterruptedException} and keeps the thread's interrupt status set.
 */
public class TransportInterruptedException extends TransportException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was interrupted, and where
     */
    public TransportInterruptedException(String message) {
        super(message);
    }
}
