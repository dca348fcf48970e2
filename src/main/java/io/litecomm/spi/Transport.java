package io.litecomm.spi;

import java.util.List;
import java.util.Optional;

/**
 * Opens, lists and deletes the queues of one domain.
 */
public interface Transport extends AutoCloseable {

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

    /** Releases this process's resources in the domain. */
    @Override
    void close();
}
