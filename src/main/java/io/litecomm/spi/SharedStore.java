package io.litecomm.spi;

import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A cross-process key-value store with pub/sub: the seam behind {@code io.litecomm.SharedMemory}.
 * Values are JSON-native ({@code Map}, {@code List}, {@code String}, numbers, {@code Boolean},
 * {@code null}); every value returned is the caller's own copy. Thread-safe and process-safe.
 */
public interface SharedStore extends AutoCloseable {

    /** Transport setting: bytes of recent published messages a store keeps for slow subscribers. */
    String PUB_SUB_CAPACITY = "pubSubCapacity";
    /** Its default: 1 MiB. */
    int DEFAULT_PUB_SUB_CAPACITY = 1 << 20;

    /**
     * Reads the {@link #PUB_SUB_CAPACITY} setting, the same way for every transport.
     *
     * @param value the setting's value, or {@code null} for the default
     * @return bytes, a power of two from 4096 to 2^30
     * @throws IllegalArgumentException naming the setting and the rule if it is malformed
     */
    static int pubSubCapacity(String value) {
        if (value == null) {
            return DEFAULT_PUB_SUB_CAPACITY;
        }
        int bytes;
        try {
            bytes = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            bytes = -1;
        }
        if (bytes < 4096 || bytes > (1 << 30) || Integer.bitCount(bytes) != 1) {
            throw new IllegalArgumentException("bad setting: setting=" + PUB_SUB_CAPACITY + " value=" + value
                    + " rule=a power of two from 4096 to 2^30");
        }
        return bytes;
    }

    /**
     * Where the store lives, for messages.
     *
     * @return a path or address
     */
    String location();

    /**
     * The value of a key.
     *
     * @param key the key
     * @return the value, or {@code null} if absent or JSON null
     */
    Object get(String key);

    /**
     * Whether a key is present.
     *
     * @param key the key
     * @return {@code true} if present
     */
    boolean contains(String key);

    /**
     * A consistent snapshot of the whole store.
     *
     * @return key to value
     */
    Map<String, Object> getAll();

    /**
     * Sets a key; the value is serialised before anything changes.
     *
     * @param key the key
     * @param value anything JSON can hold
     * @throws IllegalArgumentException if the value cannot be serialised
     */
    void set(String key, Object value);

    /**
     * Deletes a key.
     *
     * @param key the key
     * @return whether it existed
     */
    boolean delete(String key);

    /**
     * Atomic read-modify-write; a {@code null} result deletes the key.
     *
     * @param key the key
     * @param fn new value from old
     * @return the new value
     */
    Object update(String key, UnaryOperator<Object> fn);

    /**
     * Version of the last committed change.
     *
     * @return the version
     */
    long version();

    /**
     * Publishes to every subscriber of the topic in every process.
     *
     * @param topic the topic
     * @param payload the encoded message
     * @throws IllegalArgumentException if too large
     */
    void publish(String topic, byte[] payload);

    /**
     * Largest publishable payload.
     *
     * @return bytes
     */
    int maxPublishLength();

    /**
     * A new subscriber position at the current end: it sees what is published from now on.
     *
     * @return the subscriber
     */
    TopicReader newReader();

    /**
     * The current end of the published stream.
     *
     * @return a position comparable with {@link TopicReader} message positions
     */
    long publishedPosition();

    /**
     * Asks to be told when messages may have been published by any process, so that this process's
     * subscribers wait instead of polling {@link TopicReader#poll}: a transport whose reads are round
     * trips to a server reads ahead on its own and runs {@code listener} (quickly, on a thread of its
     * own) when it has something new. A store that is only polled, as a mapped ring is, returns
     * {@code false} and never runs it.
     *
     * @param listener what to run; it must not block
     * @return whether the store will run it
     */
    default boolean notifyOnPublish(Runnable listener) {
        return false;
    }

    /** Releases this process's resources. */
    @Override
    void close();

    /**
     * Reads published messages in order. Positions are the transport's own (bytes or sequence
     * numbers) and only increase. A reader that falls so far behind that messages it has not read
     * are gone is told how many through {@link TopicSink#missed(long)}, then goes on with what is
     * still there: every message published after the reader was created is either delivered once or
     * counted as missed. Not thread-safe.
     */
    interface TopicReader {
        /**
         * Reads up to {@code limit} messages.
         *
         * @param sink receives them
         * @param limit most messages to read
         * @return messages read
         */
        int poll(TopicSink sink, int limit);
    }

    /** Receives published messages. */
    interface TopicSink {
        /**
         * One message.
         *
         * @param position its position in the stream
         * @param topic its topic
         * @param payload its bytes
         */
        void message(long position, String topic, byte[] payload);

        /**
         * Messages lost because the reader fell a whole ring behind.
         *
         * @param count how many
         */
        void missed(long count);
    }
}
