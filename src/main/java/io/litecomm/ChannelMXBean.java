package io.litecomm;

/**
 * JMX view of one channel as seen by one {@link Comm}, registered as
 * {@code io.litecomm:type=Channel,comm=<id>,name=<channel>} on the platform MBean server while the
 * channel is open in that {@code Comm}. JConsole and VisualVM show it without any extra dependency.
 */
public interface ChannelMXBean {

    /**
     * The channel's name.
     *
     * @return the name
     */
    String getName();

    /**
     * The domain directory.
     *
     * @return its path
     */
    String getDirectory();

    /**
     * The payload type descriptor recorded in the channel.
     *
     * @return the descriptor
     */
    String getTypeDescriptor();

    /**
     * The receive mode of this process: NONE, ACTIVE or PASSIVE.
     *
     * @return the mode
     */
    String getMode();

    /**
     * Messages waiting in the channel, from every process.
     *
     * @return the depth
     */
    int getDepth();

    /**
     * Whether any process closed the channel.
     *
     * @return {@code true} if closed
     */
    boolean isClosed();

    /**
     * Messages this {@code Comm} sent.
     *
     * @return the count
     */
    long getSent();

    /**
     * Messages this {@code Comm} took from the channel.
     *
     * @return the count
     */
    long getReceived();

    /**
     * Passive handlers of this {@code Comm} that threw, and messages they could not decode.
     *
     * @return the count
     */
    long getHandlerErrors();

    /**
     * Messages this {@code Comm} could not decode and moved to the dead-letter channel {@code {name}.dead}.
     *
     * @return the count
     */
    long getDeadLettered();

    /**
     * Messages this {@code Comm} could not decode and could not move to the dead-letter channel
     * either (it was full, closed or damaged); each was logged at ERROR with its length.
     *
     * @return the count
     */
    long getDeadLetterFailures();
}
