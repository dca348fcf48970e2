package io.litecomm.redis;

import io.litecomm.spi.SharedStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Pub/sub of a Redis domain (docs/REDIS-store.md section 2): one stream, {@code litecomm:{D}:ps},
 * whose entries have the ids {@code 0-1}, {@code 0-2}, ... and the fields {@code topic},
 * {@code payload} and {@code end}; the publish script trims it to the publisher's
 * {@code pubSubCapacity} bytes, counting each message as the other transports do. A message's
 * position is its sequence number, so a reader that finds the next sequence it wanted gone knows
 * exactly how many it missed. Readers do not ask the server anything: one {@link RedisTopicFeed}
 * per process, started by the first reader, blocks on the stream through the process's waiter and
 * fetches new entries in batches.
 */
final class RedisPubSub implements AutoCloseable {

    /** Bytes of a message's frame header, as in the {@code file:} and {@code mem:} transports. */
    static final int FRAME_HEADER = 24;
    /** Alignment of a message's frame. */
    static final int FRAME_ALIGNMENT = 32;

    private final RedisTransport transport;
    private final RedisServer server;
    private final String streamKey;
    private final byte[] stream;
    private final byte[] capacityArg;
    private final int capacity;
    private final String location;
    private final Map<String, String> types;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private RedisTopicFeed feed;
    private boolean closed;

    RedisPubSub(RedisTransport transport) {
        this.transport = transport;
        this.server = transport.server();
        this.streamKey = transport.keys().published();
        this.stream = RedisKeys.bytes(streamKey);
        this.capacity = transport.address().pubSubCapacity;
        this.capacityArg = RedisKeys.bytes(Integer.toString(capacity));
        this.location = transport.location() + " stream=" + streamKey;
        this.types = Map.of(streamKey, "stream");
    }

    /** The bytes a message takes in the capacity: its frame. */
    static int frame(int topicLength, int payloadLength) {
        return (FRAME_HEADER + topicLength + payloadLength + FRAME_ALIGNMENT - 1) & -FRAME_ALIGNMENT;
    }

    /** As the other transports: a quarter of the capacity, for the topic and for the payload each. */
    int maxPublishLength() {
        return capacity / 4;
    }

    void publish(String topic, byte[] payload) {
        byte[] topicBytes = topic.getBytes(StandardCharsets.UTF_8);
        int max = maxPublishLength();
        if (payload.length > max || topicBytes.length > max) {
            throw new IllegalArgumentException("message too large: length=" + payload.length + " topicLength="
                    + topicBytes.length + " max=" + max + " store=" + location);
        }
        Object reply = server.eval("publish to topic " + topic, RedisStoreScripts.PUBLISH, List.of(stream),
                List.of(topicBytes, payload, capacityArg));
        RedisStoreReplies.checkForeign(server, reply, types);
    }

    /** The sequence number of the newest entry on the server, 0 if there is none. */
    long serverLast() {
        List<Object> last = RedisStoreReplies.call(server, "read the end of the published stream", types,
                jedis -> jedis.xrevrange(stream, RedisKeys.bytes("+"), RedisKeys.bytes("-"), 1));
        if (last == null || last.isEmpty()) {
            return 0;
        }
        return RedisTopicFeed.sequence(server, streamKey, ((List<?>) last.get(0)).get(0));
    }

    /** Positions are sequence numbers: the next message published gets this one. */
    long publishedPosition() {
        long last = serverLast();
        lock.lock();
        try {
            return (feed == null ? 0 : feed.offset()) + last + 1;
        } finally {
            lock.unlock();
        }
    }

    SharedStore.TopicReader newReader() {
        long last = serverLast();
        RedisTopicFeed current;
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("store closed: store=" + location);
            }
            if (feed == null) {
                feed = new RedisTopicFeed(server, transport.waiter(), streamKey, capacity,
                        "litecomm-pubsub-" + transport.process().substring(0, 8), last, listeners);
                feed.start();
            }
            current = feed;
        } finally {
            lock.unlock();
        }
        return current.reader(last);
    }

    /**
     * Runs {@code listener} on the feed's thread each time it has buffered new messages (or found
     * the stream damaged), from now on.
     *
     * @param listener what to run; quick, never blocking
     */
    void notifyOnPublish(Runnable listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    /** Stops the feed, if one was started. */
    @Override
    public void close() {
        RedisTopicFeed current;
        lock.lock();
        try {
            closed = true;
            current = feed;
        } finally {
            lock.unlock();
        }
        if (current != null) {
            current.close();
        }
    }
}
