package io.litecomm;

/**
 * A registered handler; cancelling it removes the handler. Idempotent.
 */
public interface Subscription extends AutoCloseable {

    /** Removes the handler; it is not called after this returns, unless it is running now. */
    void cancel();

    /** Same as {@link #cancel()}. */
    @Override
    default void close() {
        cancel();
    }
}
