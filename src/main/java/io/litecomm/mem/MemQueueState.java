package io.litecomm.mem;

import io.litecomm.spi.QueueSpec;
import java.util.ArrayDeque;

/**
 * The shared state of one queue: its messages in order and the capacity they take. Every field is
 * guarded by the domain's lock.
 */
final class MemQueueState {

    /** Bytes of a message's frame header, as in the {@code file:} transport's ring. */
    static final int FRAME_HEADER = 16;
    /** Alignment of a message's frame. */
    static final int FRAME_ALIGNMENT = 16;

    final String name;
    final String location;
    final QueueSpec spec;
    private final ArrayDeque<byte[]> messages = new ArrayDeque<>();
    private long usedBytes;
    boolean closed;
    boolean deleted;

    MemQueueState(String name, String location, QueueSpec spec) {
        this.name = name;
        this.location = location;
        this.spec = spec;
    }

    /** Capacity a message of {@code length} payload bytes takes: {@code align16(16 + length)}. */
    static long frameLength(int length) {
        return ((long) FRAME_HEADER + length + FRAME_ALIGNMENT - 1) & -FRAME_ALIGNMENT;
    }

    boolean fits(int length) {
        return usedBytes + frameLength(length) <= spec.capacity();
    }

    void add(byte[] payload) {
        messages.addLast(payload);
        usedBytes += frameLength(payload.length);
    }

    byte[] take() {
        byte[] message = messages.pollFirst();
        if (message != null) {
            usedBytes -= frameLength(message.length);
        }
        return message;
    }

    boolean isEmpty() {
        return messages.isEmpty();
    }

    int size() {
        return messages.size();
    }

    void clear() {
        messages.clear();
        usedBytes = 0;
    }
}
