package io.litecomm;

/**
 * How a channel is created: capacity and maximum message size. They are recorded with the
 * channel by whichever process creates it; opening an existing channel ignores them.
 *
 * <p>The limits checked here (a power of two from 4 KiB to 1 GiB; a message at most half the
 * capacity less 16 bytes) are the portable ones: every transport litecomm ships accepts them, and
 * a message of {@code n} bytes takes {@code n + 16} bytes of capacity rounded up to 16, so a
 * channel fills up alike on each. A transport may check more when it creates the channel.
 *
 * <p>Defaults: capacity {@value #DEFAULT_CAPACITY} bytes (about 13,000 messages of 64 bytes),
 * maximum message {@value #DEFAULT_MAX_MESSAGE_SIZE} bytes.
 */
public final class ChannelOptions {

    /** Default ring capacity in bytes (1 MiB). */
    public static final int DEFAULT_CAPACITY = 1 << 20;
    /** Default maximum encoded message size in bytes (256 KiB). */
    public static final int DEFAULT_MAX_MESSAGE_SIZE = 256 * 1024;

    private static final ChannelOptions DEFAULTS = builder().build();

    private final int capacity;
    private final int maxMessageSize;
    private final WaitStrategy waitStrategy;

    private ChannelOptions(Builder builder) {
        this.capacity = builder.capacity;
        this.maxMessageSize = builder.maxMessageSize;
        this.waitStrategy = builder.waitStrategy;
    }

    /**
     * The defaults.
     *
     * @return default options
     */
    public static ChannelOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A builder starting from the defaults.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Ring capacity in bytes: a power of two from 4 KiB to 1 GiB.
     *
     * @return capacity
     */
    public int capacity() {
        return capacity;
    }

    /**
     * Largest encoded message in bytes; at most half the capacity less 16 bytes.
     *
     * @return maximum message size
     */
    public int maxMessageSize() {
        return maxMessageSize;
    }

    /**
     * How blocking receives on this handle wait; {@code null} means the {@link Comm}'s strategy.
     * Unlike capacity and maximum message size, this is not recorded in the channel: it applies
     * to the handle returned by the call that passes these options.
     *
     * @return the strategy, or {@code null}
     */
    public WaitStrategy waitStrategy() {
        return waitStrategy;
    }

    @Override
    public String toString() {
        return "ChannelOptions[capacity=" + capacity + ", maxMessageSize=" + maxMessageSize
                + ", waitStrategy=" + waitStrategy + "]";
    }

    /** Builds {@link ChannelOptions}. */
    public static final class Builder {
        private int capacity = DEFAULT_CAPACITY;
        private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
        private WaitStrategy waitStrategy;

        private Builder() {
        }

        /**
         * Sets how blocking receives on the returned handle wait.
         *
         * @param strategy the strategy, or {@code null} for the {@link Comm}'s
         * @return this builder
         */
        public Builder waitStrategy(WaitStrategy strategy) {
            this.waitStrategy = strategy;
            return this;
        }

        /**
         * Sets the ring capacity. If the maximum message size was left at its default and no longer
         * fits, it shrinks to the largest that does.
         *
         * @param bytes a power of two from 4096 to 2^30
         * @return this builder
         */
        public Builder capacity(int bytes) {
            this.capacity = bytes;
            return this;
        }

        /**
         * Sets the maximum encoded message size.
         *
         * @param bytes at most {@code capacity / 2 - 16}
         * @return this builder
         */
        public Builder maxMessageSize(int bytes) {
            this.maxMessageSize = bytes;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         * @throws IllegalArgumentException if a value is out of range
         */
        public ChannelOptions build() {
            if (capacity < 4096 || capacity > (1 << 30) || Integer.bitCount(capacity) != 1) {
                throw new IllegalArgumentException("capacity must be a power of two in [4096, 2^30]: capacity="
                        + capacity);
            }
            int largest = capacity / 2 - 16;
            if (maxMessageSize == DEFAULT_MAX_MESSAGE_SIZE && maxMessageSize > largest) {
                maxMessageSize = largest;
            }
            if (maxMessageSize < 0 || maxMessageSize > largest) {
                throw new IllegalArgumentException("maxMessageSize must be in [0, " + largest + "] for capacity "
                        + capacity + ": maxMessageSize=" + maxMessageSize);
            }
            return new ChannelOptions(this);
        }
    }
}
