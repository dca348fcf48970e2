package io.litecomm.spi;

/**
 * A bounded, closable, multi-producer multi-consumer queue of byte messages shared between
 * processes. Each message is taken by exactly one {@link #poll()}; there is one total order.
 *
 * <p>Implementations are thread-safe. {@link #offer} and {@link #poll()} never block; the
 * {@code await} methods are how a caller waits, each transport in its own way.
 */
public interface MessageQueue {

    /** {@link #offer} result: the message is committed. */
    int OFFERED = 1;
    /** {@link #offer} result: no room now. */
    int FULL = 0;
    /** {@link #offer} result: the queue is closed; nothing was written. */
    int CLOSED = -1;

    /**
     * Name of the queue within its domain.
     *
     * @return the name
     */
    String name();

    /**
     * Where the queue lives, for error messages (a file path for the mailbox transport).
     *
     * @return a human-readable location
     */
    String location();

    /**
     * Payload type descriptor recorded when the queue was created.
     *
     * @return the descriptor
     */
    String typeDescriptor();

    /**
     * Largest payload this queue accepts.
     *
     * @return bytes
     */
    int maxMessageLength();

    /**
     * Appends a message if there is room.
     *
     * @param payload the bytes; {@code payload.length <= maxMessageLength()}
     * @return {@link #OFFERED}, {@link #FULL} or {@link #CLOSED}
     * @throws IllegalArgumentException if {@code payload.length > maxMessageLength()}
     */
    int offer(byte[] payload);

    /**
     * Takes the next committed message.
     *
     * @return its bytes, or {@code null} if none is ready
     * @throws CorruptStorageException if the queue's storage is damaged
     */
    byte[] poll();

    /**
     * Marks the queue closed for every process. Idempotent.
     *
     * @return {@code true} if this call closed it
     */
    boolean close();

    /**
     * Whether the queue is closed.
     *
     * @return {@code true} once any process closed it
     */
    boolean isClosed();

    /**
     * Whether the queue is closed and every message in it has been taken. Once true, stays true.
     *
     * @return {@code true} if nothing more can ever be polled
     */
    boolean isClosedAndDrained();

    /**
     * Messages waiting, counting ones still being written. Exact when the queue is quiescent.
     *
     * @return the count
     */
    int size();

    /**
     * Whether the queue this object refers to has been deleted, or replaced by a new one of the
     * same name. Used on the rare path after a close; may do I/O.
     *
     * @return {@code true} if a fresh open would find a different queue or none
     */
    boolean isReplaced();

    /**
     * Waits until {@link #poll()} may find a message, or the queue is closed, or the deadline passes.
     * May return early or spuriously: the caller polls again. Returns at once, with the interrupt
     * status kept, if the thread is interrupted. It need not return on {@code LockSupport.unpark}.
     * A transport waits its own way: on a mapping it spins, parks or sleeps on a doorbell; over a
     * network it blocks on the server.
     *
     * @param deadlineNanos {@link System#nanoTime()} to give up at; {@link Long#MAX_VALUE} for none
     * @param mode how to wait
     */
    void awaitReadable(long deadlineNanos, WaitMode mode);

    /**
     * Waits until {@link #offer} of a payload of {@code length} bytes may find room, or the queue is
     * closed, or the deadline passes. The same rules as {@link #awaitReadable}.
     *
     * @param length the payload's length
     * @param deadlineNanos {@link System#nanoTime()} to give up at; {@link Long#MAX_VALUE} for none
     * @param mode how to wait
     */
    void awaitWritable(int length, long deadlineNanos, WaitMode mode);

    /**
     * Checks the queue's storage after an unexpected {@link Error} escaped one of its operations
     * (a mapped transport: the JVM may report a fault on a truncated file late, outside the queue's
     * own code). Throws if the storage is damaged, and every later operation then fails the same way;
     * returns normally if it is intact, and the caller rethrows the error.
     *
     * @param error what escaped
     * @throws CorruptStorageException if the storage is damaged
     */
    default void checkStorage(Error error) {
    }

    /** Releases this process's resources for the queue. The queue itself lives on. */
    void release();
}
