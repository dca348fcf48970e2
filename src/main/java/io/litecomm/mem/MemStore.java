package io.litecomm.mem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.spi.SharedStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * The store of a {@code mem:} domain: values kept as JSON bytes (so every value returned is parsed
 * afresh, the caller's own copy), a version counting committed changes, and a bounded stream of
 * published messages. One object per domain, shared by its transports; {@link #close()} does
 * nothing, the domain's end empties it.
 */
final class MemStore implements SharedStore {

    /** Bytes of a published message's frame header, as in the {@code file:} transport's ring. */
    static final int FRAME_HEADER = 24;
    /** Alignment of a published message's frame. */
    static final int FRAME_ALIGNMENT = 32;

    private final String location;
    private final ObjectMapper mapper;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, byte[]> values = new LinkedHashMap<>();
    private long version;
    /** Published messages still kept, oldest first from {@link #head}. */
    private final List<Published> published = new ArrayList<>();
    private int head;
    /** Sequence number of the message at {@link #head}. */
    private long firstSequence;
    private long keptBytes;

    MemStore(String location, ObjectMapper mapper, int capacity) {
        this.location = location;
        this.mapper = mapper;
        this.capacity = capacity;
    }

    private record Published(String topic, byte[] payload, int frame) {
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public Object get(String key) {
        byte[] bytes;
        lock.lock();
        try {
            bytes = values.get(key);
        } finally {
            lock.unlock();
        }
        return parse(bytes);
    }

    @Override
    public boolean contains(String key) {
        lock.lock();
        try {
            return values.containsKey(key);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Map<String, Object> getAll() {
        Map<String, byte[]> copy;
        lock.lock();
        try {
            copy = new LinkedHashMap<>(values);
        } finally {
            lock.unlock();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        copy.forEach((key, bytes) -> out.put(key, parse(bytes)));
        return out;
    }

    @Override
    public void set(String key, Object value) {
        byte[] bytes = encode(key, value);
        lock.lock();
        try {
            values.put(key, bytes);
            version++;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean delete(String key) {
        lock.lock();
        try {
            if (values.remove(key) == null) {
                return false;
            }
            version++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Object update(String key, UnaryOperator<Object> fn) {
        byte[] next;
        lock.lock();
        try {
            Object result = fn.apply(parse(values.get(key)));
            if (result == null) {
                if (values.remove(key) != null) {
                    version++;
                }
                return null;
            }
            next = encode(key, result);
            values.put(key, next);
            version++;
        } finally {
            lock.unlock();
        }
        return parse(next);
    }

    @Override
    public long version() {
        lock.lock();
        try {
            return version;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void publish(String topic, byte[] payload) {
        byte[] topicBytes = topic.getBytes(StandardCharsets.UTF_8);
        int max = maxPublishLength();
        if (payload.length > max || topicBytes.length > max) {
            throw new IllegalArgumentException("message too large: length=" + payload.length + " topicLength="
                    + topicBytes.length + " max=" + max + " store=" + location);
        }
        int frame = (FRAME_HEADER + topicBytes.length + payload.length + FRAME_ALIGNMENT - 1) & -FRAME_ALIGNMENT;
        Published message = new Published(topic, payload.clone(), frame);
        lock.lock();
        try {
            while (keptBytes + frame > capacity) {
                keptBytes -= published.get(head).frame();
                published.set(head, null);
                head++;
                firstSequence++;
            }
            if (head > 64 && head > published.size() / 2) {
                published.subList(0, head).clear();
                head = 0;
            }
            published.add(message);
            keptBytes += frame;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int maxPublishLength() {
        return capacity / 4;
    }

    @Override
    public TopicReader newReader() {
        long[] next = {publishedPosition()};
        return (sink, limit) -> {
            List<Published> batch = new ArrayList<>();
            long missed;
            long from;
            lock.lock();
            try {
                missed = Math.max(0, firstSequence - next[0]);
                from = Math.max(next[0], firstSequence);
                long end = firstSequence + (published.size() - head);
                for (long sequence = from; sequence < end && batch.size() < limit; sequence++) {
                    batch.add(published.get(head + (int) (sequence - firstSequence)));
                }
            } finally {
                lock.unlock();
            }
            next[0] = from + batch.size();
            if (missed > 0) {
                sink.missed(missed);
            }
            for (int i = 0; i < batch.size(); i++) {
                Published message = batch.get(i);
                sink.message(from + i, message.topic(), message.payload().clone());
            }
            return batch.size();
        };
    }

    /** Positions are sequence numbers: the next message published gets this one. */
    @Override
    public long publishedPosition() {
        lock.lock();
        try {
            return firstSequence + (published.size() - head);
        } finally {
            lock.unlock();
        }
    }

    /** Nothing to release: the store lives as long as its domain. */
    @Override
    public void close() {
        // the domain's last transport empties it (clear)
    }

    /** The domain ended: everything is dropped. */
    void clear() {
        lock.lock();
        try {
            values.clear();
            published.clear();
            head = 0;
            keptBytes = 0;
        } finally {
            lock.unlock();
        }
    }

    private byte[] encode(String key, Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise value as JSON: key=" + key + " store=" + location
                    + " cause=" + e.getOriginalMessage(), e);
        }
    }

    private Object parse(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return mapper.readValue(bytes, Object.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse stored value: store=" + location, e);
        }
    }

    @Override
    public String toString() {
        return "MemStore[" + location + "]";
    }
}
