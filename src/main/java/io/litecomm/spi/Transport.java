package io.litecomm.spi;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One process's view of a domain: opens, lists and deletes its queues, and gives its shared
 * store. Obtained from a {@link TransportProvider}; the public {@code Comm} is a thin face over it.
 *
 * <p>What a transport must promise (the contract suites under {@code src/test} check each point):
 * <ul>
 *   <li>every process and thread that opens the same URI reaches the same queues and store;
 *   <li>concurrent creators of one queue, in any processes, end up with one queue, created with the
 *       first creator's {@link QueueSpec};
 *   <li>each message offered is polled exactly once, by one poller among all processes, in one total
 *       order consistent with each sender's order; nothing committed is lost while the domain lives;
 *   <li>a closed queue refuses offers at once and yields what it held before reporting drained; a
 *       deleted queue looks closed to those still holding it, and its name can be created afresh;
 *   <li>damaged or foreign storage is reported as {@link CorruptStorageException} naming it, other
 *       failures as {@link TransportException} naming the resource; never a hang;
 *   <li>thread-safe; {@link #close()} releases every thread, descriptor and connection it made.
 * </ul>
 */
public interface Transport extends AutoCloseable {

    /**
     * The URI this domain was opened with, normalised (for a directory, its absolute path).
     *
     * @return the URI
     */
    URI uri();

    /**
     * Where the domain lives, for messages: a directory, a server address.
     *
     * @return a human-readable location
     */
    String location();

    /**
     * The domain's directory, for transports that keep one.
     *
     * @return the directory, or empty
     */
    default Optional<Path> directory() {
        return Optional.empty();
    }

    /**
     * The environment a child process needs to open this same domain with {@code Comm.current()}:
     * at least {@code LITECOMM_URL}. Used by the process manager.
     *
     * @return variable to value
     */
    Map<String, String> childEnvironment();

    /**
     * Opens a queue, creating it with {@code spec} if it does not exist. Concurrent creators in any
     * processes end up with one queue.
     *
     * @param name queue name, already validated
     * @param spec how to create it if absent
     * @return the queue
     * @throws CorruptStorageException if an existing queue is damaged or foreign
     */
    MessageQueue openOrCreate(String name, QueueSpec spec);

    /**
     * Opens an existing queue.
     *
     * @param name queue name, already validated
     * @return the queue, or empty if it does not exist
     */
    Optional<MessageQueue> openExisting(String name);

    /**
     * Names of every queue in the domain.
     *
     * @return the names, sorted
     */
    List<String> list();

    /**
     * Closes a queue for everybody and removes it, so its name can be reused.
     *
     * @param name queue name
     * @return {@code true} if it existed
     */
    boolean delete(String name);

    /**
     * The domain's shared store, opened (and created) on first call; the same object afterwards.
     * Closed by {@link #close()}.
     *
     * @return the store
     * @throws CorruptStorageException if it is damaged or foreign
     */
    SharedStore sharedStore();

    /**
     * Waits until any of the queues may have a message for {@link MessageQueue#poll()}, or is
     * closed, or the deadline passes. May return early or spuriously: the caller polls again. Returns
     * at once, with the interrupt status kept, if the thread is interrupted.
     *
     * @param queues queues of this transport, at least one
     * @param deadlineNanos {@link System#nanoTime()} to give up at; {@link Long#MAX_VALUE} for none
     * @param mode how to wait
     */
    void awaitAnyReadable(List<? extends MessageQueue> queues, long deadlineNanos, WaitMode mode);

    /**
     * Takes exactly one message from the first of the queues, looking in order from {@code first}
     * (wrapping), that has one: the one step of a select. A transport whose polls are round trips
     * (a server) does it in one. The default polls each queue in turn.
     *
     * @param queues queues of this transport, at least one
     * @param first index to start looking at
     * @return the message and its queue's index, or {@code null} if none had one
     * @throws CorruptStorageException if a queue's storage is damaged
     */
    default PolledMessage pollAny(List<? extends MessageQueue> queues, int first) {
        int count = queues.size();
        for (int i = 0; i < count; i++) {
            int index = (first + i) % count;
            byte[] payload = queues.get(index).poll();
            if (payload != null) {
                return new PolledMessage(index, payload);
            }
        }
        return null;
    }

    /**
     * Whether this transport's waits ({@link #awaitAnyReadable}, {@link MessageQueue#awaitReadable}) also
     * end when the waiting thread is unparked. The watcher then waits on its queues for long stretches and
     * is woken by {@code LockSupport.unpark} when its work changes; otherwise it waits at most the maximum
     * park at a time, so that a wake-up is seen that soon. A transport whose waits are round trips says
     * {@code true}, or an idle watcher would ask its server something every millisecond.
     *
     * @return {@code true} if an unpark ends a wait
     */
    default boolean waitsEndOnUnpark() {
        return false;
    }

    /** Releases this process's resources in the domain: threads, descriptors, mappings, connections. */
    @Override
    void close();
}
