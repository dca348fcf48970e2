package io.litecomm;

/**
 * JMX view of a {@link Comm}'s watcher thread, which runs passive handlers, {@code receiveAsync}
 * and pub/sub subscribers; registered as {@code io.litecomm:type=Watcher,comm=<id>} while the
 * {@code Comm} is open.
 */
public interface WatcherMXBean {

    /**
     * Watch tasks (or the loop) that failed; each went to the failure policy and the watcher went on.
     * Failures of handlers and subscribers are counted in {@code handlerErrors} instead.
     *
     * @return the count
     */
    long getFailures();

    /**
     * Times the watcher thread died and was started again.
     *
     * @return the count
     */
    long getRestarts();
}
