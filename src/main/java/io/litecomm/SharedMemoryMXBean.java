package io.litecomm;

/**
 * JMX view of a domain's shared memory as seen by one {@link Comm}, registered as
 * {@code io.litecomm:type=SharedMemory,comm=<id>} once {@link Comm#sharedMemory()} was called.
 */
public interface SharedMemoryMXBean {

    /**
     * The domain directory.
     *
     * @return its path
     */
    String getDirectory();

    /**
     * Version of the store: changes committed by all processes.
     *
     * @return the version
     */
    long getVersion();

    /**
     * Keys in the store.
     *
     * @return the count
     */
    int getKeys();

    /**
     * Published messages this process's subscribers lost because they fell a whole ring behind.
     *
     * @return the count
     */
    long getMissedMessages();

    /**
     * Pub/sub handlers of this process that threw.
     *
     * @return the count
     */
    long getHandlerErrors();
}
