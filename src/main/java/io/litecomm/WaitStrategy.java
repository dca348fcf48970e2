package io.litecomm;

/**
 * How a blocking receive waits for a message, chosen per {@link Comm} ({@link CommOptions}) or per
 * channel handle ({@link ChannelOptions}).
 */
public enum WaitStrategy {
    /**
     * Spin on the mapped file without ever sleeping: the lowest latency, a whole core per waiting
     * thread.
     */
    BUSY_SPIN,
    /**
     * Spin briefly, then yield, then park for doubling periods up to {@link CommOptions#maxPark()}:
     * low latency under load, next to no CPU when idle. The default.
     */
    BACKOFF,
    /**
     * Spin briefly, then sleep on a doorbell: the receiver marks itself asleep in the mapped header
     * and blocks on a Unix-domain socket that a sender rings only when it sees a sleeper. Wakes
     * faster than parking and costs nothing while idle. Falls back to {@link #BACKOFF} where Unix
     * domain sockets are unavailable. Used by {@code receive}, timed {@code receive} and iteration;
     * {@link Select}, {@code receiveAsync}, passive handlers and senders waiting on a full channel
     * use {@link #BACKOFF}.
     */
    BLOCKING
}
