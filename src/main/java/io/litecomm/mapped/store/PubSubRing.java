package io.litecomm.mapped.store;

import static io.litecomm.mapped.inspect.PubSubLayout.CLAIM_OFFSET;
import static io.litecomm.mapped.inspect.PubSubLayout.HEADER_LENGTH;
import static io.litecomm.mapped.inspect.PubSubLayout.NEXT_SEQUENCE_OFFSET;
import static io.litecomm.mapped.inspect.PubSubLayout.PADDING;
import static io.litecomm.mapped.inspect.PubSubLayout.RECORD_HEADER_LENGTH;
import static io.litecomm.mapped.inspect.PubSubLayout.RECORD_LENGTH_OFFSET;
import static io.litecomm.mapped.inspect.PubSubLayout.RECORD_SEQUENCE_OFFSET;
import static io.litecomm.mapped.inspect.PubSubLayout.RECORD_TAG_OFFSET;
import static io.litecomm.mapped.inspect.PubSubLayout.RECORD_TOPIC_LENGTH_OFFSET;
import static io.litecomm.mapped.inspect.PubSubLayout.TAIL_OFFSET;

import io.litecomm.mapped.file.DomainDirectory;
import io.litecomm.mapped.file.FileLocks;
import io.litecomm.mapped.inspect.DomainFiles;
import io.litecomm.mapped.inspect.PubSubFrames;
import io.litecomm.mapped.inspect.PubSubLayout;
import io.litecomm.spi.CorruptStorageException;
import io.litecomm.spi.TransportException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The broadcast ring behind pub/sub: publishers append under the file lock and never wait for
 * subscribers; every subscriber reads every record from its own position. See {@link PubSubLayout}.
 */
public final class PubSubRing implements AutoCloseable {

    /** File name of the ring in its domain. */
    public static final String FILE_NAME = DomainFiles.PUBSUB_RING;

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final MappedByteBuffer map;
    private final FileLocks.Handle lock;
    private final int capacity;
    private final int mask;
    private final int maxPayload;
    private final PubSubFrames.Header header;
    private final MappingFault fault;
    private final Object fileKey;

    private PubSubRing(Path file, MappedByteBuffer map, FileLocks.Handle lock, int capacity, int maxPayload,
            Object fileKey) {
        this.file = file;
        this.fault = new MappingFault(file);
        this.fileKey = fileKey;
        this.map = map;
        this.lock = lock;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.maxPayload = maxPayload;
        this.header = new PubSubFrames.Header(capacity, maxPayload);
    }

    /**
     * Opens the ring of a domain, creating it atomically with {@code capacity} if absent.
     *
     * @param domain the domain
     * @param capacity ring bytes for a new ring, a power of two of at least 4096
     * @return the ring
     */
    public static PubSubRing open(DomainDirectory domain, int capacity) {
        if (capacity < PubSubFrames.MIN_CAPACITY || Integer.bitCount(capacity) != 1 || capacity > PubSubFrames.MAX_CAPACITY) {
            throw new IllegalArgumentException("pub/sub capacity must be a power of two in [4096, 2^30]: " + capacity);
        }
        Path file = domain.path().resolve(FILE_NAME);
        for (int attempt = 0; attempt < 8; attempt++) {
            try {
                domain.checkFile(file);
            } catch (NoSuchFileException absent) {
                domain.withLock(() -> domain.createAtomically(file, (long) HEADER_LENGTH + capacity, channel -> {
                    ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
                    b.putLong(PubSubLayout.MAGIC_OFFSET, PubSubLayout.MAGIC);
                    b.putInt(PubSubLayout.VERSION_WORD_OFFSET, PubSubLayout.FORMAT_MAJOR << 16 | PubSubLayout.FORMAT_MINOR);
                    b.putInt(PubSubLayout.HEADER_LENGTH_OFFSET, HEADER_LENGTH);
                    b.putInt(PubSubLayout.CAPACITY_OFFSET, capacity);
                    b.putInt(PubSubLayout.MAX_PAYLOAD_OFFSET, PubSubLayout.maxPayloadFor(capacity));
                    while (b.hasRemaining()) {
                        channel.write(b, b.position());
                    }
                }));
                continue;
            }
            FileLocks.Handle lock = FileLocks.open(file);
            try {
                return validate(file, lock);
            } catch (RuntimeException e) {
                lock.close();
                throw e;
            }
        }
        throw new CorruptStorageException(file.toString(), "ring keeps disappearing while being opened");
    }

    private static PubSubRing validate(Path file, FileLocks.Handle lock) {
        String where = file.toString();
        long size = lock.size();
        PubSubFrames.checkLength(size, where);
        MappedByteBuffer map = lock.map(size);
        PubSubFrames.Header header = PubSubFrames.checkHeader(map, size, where);
        int capacity = header.capacity();
        int maxPayload = header.maxPayload();
        Object fileKey;
        try {
            fileKey = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            throw new TransportException("cannot read attributes: file=" + file + " cause=" + e, e);
        }
        return new PubSubRing(file, map, lock, capacity, maxPayload, fileKey);
    }

    /**
     * Largest payload a record may carry.
     *
     * @return bytes
     */
    public int maxPayload() {
        return maxPayload;
    }

    /**
     * The ring's file.
     *
     * @return its path
     */
    public Path file() {
        return file;
    }

    /**
     * Appends a record for every subscriber. Never waits for subscribers.
     *
     * @param topic the topic
     * @param payload the message, at most {@link #maxPayload()} bytes
     */
    public void publish(String topic, byte[] payload) {
        byte[] topicBytes = topic.getBytes(StandardCharsets.UTF_8);
        if (payload.length > maxPayload || topicBytes.length > maxPayload) {
            throw new IllegalArgumentException("message too large: length=" + payload.length + " max=" + maxPayload);
        }
        int frame = PubSubLayout.frameLength(topicBytes.length, payload.length);
        beforeLock();
        try {
            append(topicBytes, payload, frame);
        } catch (InternalError e) {
            throw fault.truncated(e, map.capacity());
        }
    }

    /**
     * Before the writer lock: a latched fault fails at once, and a file shorter than the mapping is
     * latched as truncated without touching the mapping.
     */
    private void beforeLock() {
        fault.check();
        fault.checkLength(fileKey, map.capacity());
    }

    @SuppressWarnings("try") // the resource is a held lock: holding it is the point
    private void append(byte[] topicBytes, byte[] payload, int frame) {
        try (FileLocks.Held held = lock.lock()) {
            long tail = checkedTail((long) LONGS.getVolatile(map, TAIL_OFFSET));
            int offset = (int) (tail & mask);
            int toEnd = capacity - offset;
            long end = frame <= toEnd ? tail + frame : tail + toEnd + frame;
            LONGS.setVolatile(map, CLAIM_OFFSET, end);
            VarHandle.storeStoreFence();
            if (frame > toEnd) {
                writeHeader(offset, tail, toEnd - RECORD_HEADER_LENGTH, PADDING, 0);
                tail += toEnd;
                offset = 0;
            }
            long sequence = (long) LONGS.get(map, NEXT_SEQUENCE_OFFSET);
            int base = HEADER_LENGTH + offset;
            map.put(base + RECORD_HEADER_LENGTH, topicBytes);
            map.put(base + RECORD_HEADER_LENGTH + topicBytes.length, payload);
            writeHeader(offset, tail, payload.length, topicBytes.length, sequence);
            LONGS.set(map, NEXT_SEQUENCE_OFFSET, sequence + 1);
            LONGS.setRelease(map, TAIL_OFFSET, end);
        }
    }

    /** A tail read from the file: a record position, so never negative and 32-byte aligned. */
    private long checkedTail(long tail) {
        if (!PubSubFrames.isPosition(tail)) {
            throw new CorruptStorageException(file.toString(), "impossible tail: tail=" + tail + " capacity=" + capacity);
        }
        return tail;
    }

    private void writeHeader(int offset, long position, int length, int topicLength, long sequence) {
        int base = HEADER_LENGTH + offset;
        ByteBuffer b = map.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(base + RECORD_LENGTH_OFFSET, length);
        b.putInt(base + RECORD_TOPIC_LENGTH_OFFSET, topicLength);
        b.putLong(base + RECORD_SEQUENCE_OFFSET, sequence);
        LONGS.setRelease(map, base + RECORD_TAG_OFFSET, position + 1);
    }

    /**
     * A new reader starting at the current tail: it sees everything published from now on.
     *
     * @return the reader
     */
    @SuppressWarnings("try") // the resource is a held lock: holding it is the point
    public Reader newReader() {
        beforeLock();
        try (FileLocks.Held held = lock.lock()) {
            return new Reader(checkedTail((long) LONGS.getAcquire(map, TAIL_OFFSET)),
                    (long) LONGS.get(map, NEXT_SEQUENCE_OFFSET) - 1);
        } catch (InternalError e) {
            throw fault.truncated(e, map.capacity());
        }
    }

    /** One record as a reader saw it. */
    public record Message(long position, long sequence, String topic, byte[] payload) {
    }

    /** What a reader learns in one poll. */
    public interface Sink {
        /**
         * A record.
         *
         * @param message the record
         */
        void message(Message message);

        /**
         * Records this reader missed because publishers lapped it.
         *
         * @param count how many
         */
        void missed(long count);
    }

    /** A subscriber's position in the ring. Not thread-safe. */
    public final class Reader {
        private long position;
        private long lastSequence;

        private Reader(long position, long lastSequence) {
            this.position = position;
            this.lastSequence = lastSequence;
        }

        /**
         * Where the reader is.
         *
         * @return its position
         */
        public long position() {
            return position;
        }

        /**
         * Reads up to {@code limit} records.
         *
         * @param sink receives them
         * @param limit most records to read
         * @return records read
         */
        public int poll(Sink sink, int limit) {
            fault.check();
            try {
                return pollRecords(sink, limit);
            } catch (InternalError e) {
                throw fault.truncated(e, map.capacity());
            }
        }

        private int pollRecords(Sink sink, int limit) {
            int read = 0;
            while (read < limit) {
                long tail = checkedTail((long) LONGS.getAcquire(map, TAIL_OFFSET));
                if (position >= tail) {
                    break;
                }
                if (tail - position > capacity) {
                    resync(sink);
                    continue;
                }
                Message message = readAt(position);
                if (message == null) {
                    resync(sink);
                    continue;
                }
                if (message.topic() != null) {
                    lastSequence = message.sequence();
                    sink.message(message);
                    read++;
                }
            }
            return read;
        }

        /** Lapped: jump to the tail, counting what was skipped (read under the lock, so exact). */
        @SuppressWarnings("try") // the resource is a held lock: holding it is the point
        private void resync(Sink sink) {
            long skipped;
            beforeLock();
            try (FileLocks.Held held = lock.lock()) {
                position = checkedTail((long) LONGS.getAcquire(map, TAIL_OFFSET));
                long next = (long) LONGS.get(map, NEXT_SEQUENCE_OFFSET);
                skipped = next - 1 - lastSequence;
                lastSequence = next - 1;
            }
            if (skipped > 0) {
                sink.missed(skipped);
            }
        }

        /** The record at {@code at}, advancing; {@code null} if lapped; a message without topic for padding. */
        private Message readAt(long at) {
            PubSubFrames.Frame frame = PubSubFrames.frame(map, at, header);
            byte[] topic = null;
            byte[] payload = null;
            if (frame.sane() && !frame.padding()) {
                topic = PubSubFrames.topic(map, frame, header);
                payload = PubSubFrames.payload(map, frame, header);
            }
            VarHandle.loadLoadFence();
            long claim = (long) LONGS.getVolatile(map, CLAIM_OFFSET);
            if (claim - at > capacity) {
                return null; // overwritten while we read: lapped
            }
            if (!frame.sane()) {
                throw new CorruptStorageException(file.toString(), "impossible record: position=" + at + " tag=" + frame.tag()
                        + " length=" + frame.length() + " topicLength=" + frame.topicLength() + " capacity=" + capacity);
            }
            position = frame.next();
            return new Message(at, frame.sequence(), frame.padding() ? null : new String(topic, StandardCharsets.UTF_8),
                    payload);
        }
    }

    @Override
    public void close() {
        lock.close();
    }
}
