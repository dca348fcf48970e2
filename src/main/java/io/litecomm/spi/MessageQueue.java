package io.litecomm.spi;

/**
 * A bounded, closable, multi-producer multi-consumer queue of byte messages shared between
 * processes. Each message is taken by exactly one {@link #poll()}; there is one total order.
 *
 * <p>Implementations are thread-safe and never block: waiting is the caller's business.
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
     */
    int offer(byte[] payload);

    /**
     * Reports that an access to this queue's memory faulted: the JVM signals a fault on a mapped
     * file (SIGBUS: the file was truncated under the mapping) as {@code InternalError}, sometimes
     * only after the access, outside the queue's own code. The queue should fail every later
     * operation the same way without touching the memory again.
     *
     * @param fault what the JVM threw
     * @return the exception to throw instead
     */
    default RuntimeException faulted(InternalError fault) {
        return new CorruptStorageException(location(), "memory fault on the mapped file (truncated while mapped?): "
                + fault.getMessage(), fault);
    }

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
     * The sleeping-receiver table of this queue, if it has one.
     *
     * @return the table, or {@code null}
     */
    default Wakeups wakeups() {
        return null;
    }

    /** Releases this process's resources for the queue. The queue itself lives on. */
    void release();
}
