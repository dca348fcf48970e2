package io.litecomm.storage;

import static io.litecomm.storage.StoragePageLayout.FILE_LENGTH_OFFSET;
import static io.litecomm.storage.StoragePageLayout.GENERATION_OFFSET;
import static io.litecomm.storage.StoragePageLayout.HEADER_LENGTH;
import static io.litecomm.storage.StoragePageLayout.RECORD_CRC_OFFSET;
import static io.litecomm.storage.StoragePageLayout.RECORD_HEADER_LENGTH;
import static io.litecomm.storage.StoragePageLayout.RECORD_LENGTH_OFFSET;
import static io.litecomm.storage.StoragePageLayout.RECORD_TYPE_OFFSET;
import static io.litecomm.storage.StoragePageLayout.RECORD_VERSION_OFFSET;
import static io.litecomm.storage.StoragePageLayout.STORE_VERSION_OFFSET;
import static io.litecomm.storage.StoragePageLayout.TYPE_DELETE;
import static io.litecomm.storage.StoragePageLayout.TYPE_SET;
import static io.litecomm.storage.StoragePageLayout.TYPE_SNAPSHOT;
import static io.litecomm.storage.StoragePageLayout.slotEndField;
import static io.litecomm.storage.StoragePageLayout.slotLengthField;
import static io.litecomm.storage.StoragePageLayout.slotOffsetField;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.mailbox.FileLocks;
import io.litecomm.spi.CorruptQueueException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;

/**
 * The shared-memory page of one domain, as seen by one process. Reads are served from a local
 * cache that is brought up to date only when the mapped generation or log end moved: a {@code get}
 * on an unchanged store costs two volatile reads and a hash lookup. Writers hold the page's file
 * lock, bring their cache up to date, and append one record; when the active slot is full they
 * write a compacted snapshot into the other slot (growing the file if needed) and flip the
 * generation. See {@link StoragePageLayout}.
 */
public final class StoragePage implements AutoCloseable {

    /** File name of the page in its domain. */
    public static final String FILE_NAME = "storage.page";

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final ObjectMapper mapper;
    private final FileLocks.Handle lock;
    private final ReentrantLock refreshLock = new ReentrantLock();
    private volatile MappedByteBuffer map;
    private volatile Map<String, Object> data = new ConcurrentHashMap<>();
    private volatile long cachedGeneration = -1;
    private volatile long cachedEnd = -1;
    private volatile long version;

    StoragePage(Path file, ObjectMapper mapper, FileLocks.Handle lock, MappedByteBuffer map) {
        this.file = file;
        this.mapper = mapper;
        this.lock = lock;
        this.map = map;
    }

    /**
     * The page's file.
     *
     * @return its path
     */
    public Path file() {
        return file;
    }

    /**
     * The value of a key, as a JSON-native value the caller owns.
     *
     * @param key the key
     * @return the value, or {@code null}
     */
    public Object get(String key) {
        refresh();
        return external(data.get(key));
    }

    /**
     * Whether a key is present.
     *
     * @param key the key
     * @return {@code true} if set
     */
    public boolean contains(String key) {
        refresh();
        return data.containsKey(key);
    }

    /**
     * A consistent copy of the whole store.
     *
     * @return key to JSON-native value
     */
    public Map<String, Object> getAll() {
        refreshLock.lock();
        try {
            refreshLocked();
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : data.entrySet()) {
                copy.put(e.getKey(), external(e.getValue()));
            }
            return copy;
        } finally {
            refreshLock.unlock();
        }
    }

    /**
     * The version of the last committed change: the count of changes since the page was created.
     *
     * @return the version
     */
    public long version() {
        refresh();
        return version;
    }

    /**
     * Sets a key. The value is serialised before anything changes.
     *
     * @param key the key
     * @param value anything Jackson can write
     * @throws IllegalArgumentException if the value cannot be serialised
     */
    public void set(String key, Object value) {
        byte[] payload = encodeSet(key, value);
        try (FileLocks.Held held = lock.lock()) {
            refreshLock.lock();
            try {
                refreshLocked();
                append(TYPE_SET, payload);
            } finally {
                refreshLock.unlock();
            }
        }
    }

    /**
     * Deletes a key.
     *
     * @param key the key
     * @return whether it existed
     */
    public boolean delete(String key) {
        try (FileLocks.Held held = lock.lock()) {
            refreshLock.lock();
            try {
                refreshLocked();
                if (!data.containsKey(key)) {
                    return false;
                }
                append(TYPE_DELETE, encode(Map.of("k", key)));
                return true;
            } finally {
                refreshLock.unlock();
            }
        }
    }

    /**
     * Atomically replaces a key's value with {@code fn(old)}, no other process or thread
     * interleaving; {@code fn} runs under the page lock. A {@code null} result deletes the key.
     *
     * @param key the key
     * @param fn computes the new value from the old (JSON-native, or {@code null})
     * @return the new value
     */
    public Object update(String key, UnaryOperator<Object> fn) {
        try (FileLocks.Held held = lock.lock()) {
            refreshLock.lock();
            try {
                refreshLocked();
                Object next = fn.apply(external(data.get(key)));
                if (next == null) {
                    if (data.containsKey(key)) {
                        append(TYPE_DELETE, encode(Map.of("k", key)));
                    }
                    return null;
                }
                append(TYPE_SET, encodeSet(key, next));
                return external(data.get(key));
            } finally {
                refreshLock.unlock();
            }
        }
    }

    private byte[] encodeSet(String key, Object value) {
        Map<String, Object> record = new HashMap<>(4);
        record.put("k", key);
        record.put("v", value);
        return encode(record);
    }

    private byte[] encode(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise value as JSON: cause=" + e.getOriginalMessage(), e);
        }
    }

    /** Brings the cache up to date if the page moved; the fast path takes no lock. */
    private void refresh() {
        MappedByteBuffer m = map;
        long generation = (long) LONGS.getAcquire(m, GENERATION_OFFSET);
        long end = (long) LONGS.getAcquire(m, slotEndField((int) (generation & 1)));
        if (generation == cachedGeneration && end == cachedEnd) {
            return;
        }
        refreshLock.lock();
        try {
            refreshLocked();
        } finally {
            refreshLock.unlock();
        }
    }

    private void refreshLocked() {
        while (true) {
            MappedByteBuffer m = mapCovering();
            long generation = (long) LONGS.getAcquire(m, GENERATION_OFFSET);
            int slot = (int) (generation & 1);
            long end = (long) LONGS.getAcquire(m, slotEndField(slot));
            if (generation == cachedGeneration && end == cachedEnd) {
                return;
            }
            long slotOffset = (long) LONGS.get(m, slotOffsetField(slot));
            long slotLength = (long) LONGS.get(m, slotLengthField(slot));
            checkSlot(m, slot, slotOffset, slotLength, end);
            boolean incremental = generation == cachedGeneration && end > cachedEnd;
            long from = incremental ? cachedEnd : 0;
            List<Change> changes = new ArrayList<>();
            String problem = readRecords(m, slotOffset, from, end, incremental ? version : -1, changes);
            long after = (long) LONGS.getAcquire(m, GENERATION_OFFSET);
            if (after - generation > 1) {
                continue; // the slot may have been rewritten while we read it
            }
            if (problem != null) {
                throw new CorruptQueueException(file.toString(), problem);
            }
            Map<String, Object> target = incremental ? data : new ConcurrentHashMap<>();
            long last = incremental ? version : 0;
            for (Change change : changes) {
                last = change.apply(target);
            }
            data = target;
            version = last;
            cachedGeneration = generation;
            cachedEnd = end;
            if (after == generation) {
                return;
            }
        }
    }

    private void checkSlot(MappedByteBuffer m, int slot, long offset, long length, long end) {
        long fileLength = (long) LONGS.getAcquire(m, FILE_LENGTH_OFFSET);
        // offset + length could wrap: compare with a difference of values already known to be in range
        if (fileLength > m.capacity() || offset < HEADER_LENGTH || offset > fileLength || length < RECORD_HEADER_LENGTH
                || length > fileLength - offset || end < RECORD_HEADER_LENGTH || end > length) {
            throw new CorruptQueueException(file.toString(), "impossible slot: slot=" + slot + " offset=" + offset
                    + " length=" + length + " end=" + end + " fileLength=" + fileLength + " mapped=" + m.capacity());
        }
    }

    /**
     * Parses records in [from, end) of a slot; returns a problem instead of throwing, for the caller
     * to judge. Each change must have the version after the one before it ({@code previous}, or the
     * slot's snapshot): a damaged version, which the payload's CRC does not cover, is a problem.
     */
    private String readRecords(MappedByteBuffer m, long slotOffset, long from, long end, long previous, List<Change> out) {
        long[] last = {previous};
        return StorageRecords.walk(m, slotOffset, from, end, (position, type, recordVersion, payload) -> {
            if (type == TYPE_SNAPSHOT ? recordVersion < 0 : recordVersion != last[0] + 1) {
                return "version out of sequence: position=" + position + " type=" + type + " version=" + recordVersion
                        + " previous=" + last[0];
            }
            last[0] = recordVersion;
            Change change = decode(type, recordVersion, payload);
            if (change == null) {
                return "undecodable record: position=" + position + " type=" + type;
            }
            out.add(change);
            return null;
        });
    }

    private Change decode(int type, long recordVersion, byte[] payload) {
        try {
            Object parsed = mapper.readValue(payload, Object.class);
            if (!(parsed instanceof Map<?, ?> map)) {
                return null;
            }
            if (type == TYPE_SNAPSHOT) {
                return target -> {
                    target.clear();
                    map.forEach((k, v) -> putValue(target, (String) k, v));
                    return recordVersion;
                };
            }
            // a SET always carries "v" (null included) and a DELETE never does: a damaged type, which
            // the payload's CRC does not cover, cannot turn one into the other
            if (!(map.get("k") instanceof String key) || map.containsKey("v") != (type == TYPE_SET)) {
                return null;
            }
            if (type == TYPE_SET) {
                Object value = map.get("v");
                return target -> {
                    putValue(target, key, value);
                    return recordVersion;
                };
            }
            return target -> {
                target.remove(key);
                return recordVersion;
            };
        } catch (IOException | ClassCastException e) {
            return null;
        }
    }

    private static Object external(Object stored) {
        return stored == NullValue.INSTANCE ? null : JsonValues.copy(stored);
    }

    private static void putValue(Map<String, Object> target, String key, Object value) {
        if (value == null) {
            target.put(key, NullValue.INSTANCE);
        } else {
            target.put(key, value);
        }
    }

    /** A change read from the page, applied to a map; returns the record's version. */
    @FunctionalInterface
    private interface Change {
        long apply(Map<String, Object> target);
    }

    /** Placeholder for a JSON null stored under a key (a concurrent map holds no nulls). */
    enum NullValue {
        /** The one instance. */
        INSTANCE
    }

    private MappedByteBuffer mapCovering() {
        MappedByteBuffer m = map;
        long fileLength = (long) LONGS.getAcquire(m, FILE_LENGTH_OFFSET);
        if (fileLength > m.capacity()) {
            if (fileLength > lock.size()) {
                throw new CorruptQueueException(file.toString(), "truncated: header says length=" + fileLength
                        + " but the file has " + lock.size());
            }
            m = lock.map(fileLength);
            map = m;
        }
        return m;
    }

    /** Appends a change, compacting into the other slot when the active one is full. Lock held, cache fresh. */
    private void append(int type, byte[] payload) {
        MappedByteBuffer m = map;
        long generation = cachedGeneration;
        int slot = (int) (generation & 1);
        long slotOffset = (long) LONGS.get(m, slotOffsetField(slot));
        long slotLength = (long) LONGS.get(m, slotLengthField(slot));
        long end = cachedEnd;
        long next = version + 1;
        int frame = StoragePageLayout.frameLength(payload.length);
        Change change = decode(type, next, payload);
        if (change == null) {
            throw new IllegalArgumentException("value cannot be stored: it would not read back as JSON (nested deeper than "
                    + io.litecomm.codec.JsonSupport.MAX_NESTING_DEPTH + "?)");
        }
        if (end + frame <= slotLength) {
            writeRecord(m, slotOffset + end, type, next, payload);
            LONGS.setRelease(m, slotEndField(slot), end + frame);
            LONGS.setRelease(m, STORE_VERSION_OFFSET, next);
            change.apply(data);
            cachedEnd = end + frame;
            version = next;
            return;
        }
        Map<String, Object> compacted = new ConcurrentHashMap<>(data);
        change.apply(compacted);
        compact(compacted, generation, next);
    }

    private void compact(Map<String, Object> compacted, long generation, long next) {
        Map<String, Object> snapshot = new LinkedHashMap<>();
        compacted.forEach((k, v) -> snapshot.put(k, v == NullValue.INSTANCE ? null : v));
        byte[] payload = encode(snapshot);
        int frame = StoragePageLayout.frameLength(payload.length);
        int other = (int) ((generation + 1) & 1);
        long needed = (long) frame + Math.max(frame, StoragePageLayout.INITIAL_SLOT_LENGTH);
        MappedByteBuffer m = map;
        if ((long) LONGS.get(m, slotLengthField(other)) < needed) {
            m = grow(m, other, needed);
        }
        long otherOffset = (long) LONGS.get(m, slotOffsetField(other));
        writeRecord(m, otherOffset, TYPE_SNAPSHOT, next, payload);
        LONGS.setRelease(m, slotEndField(other), (long) frame);
        LONGS.setRelease(m, GENERATION_OFFSET, generation + 1);
        LONGS.setRelease(m, STORE_VERSION_OFFSET, next);
        data = compacted;
        cachedGeneration = generation + 1;
        cachedEnd = frame;
        version = next;
    }

    /** Gives slot {@code other} a new, larger region at the end of the file, written with real zeroes. */
    private MappedByteBuffer grow(MappedByteBuffer m, int other, long needed) {
        long activeLength = (long) LONGS.get(m, slotLengthField(1 - other));
        long length = (Math.max(needed * 2, activeLength) + 4095) & -4096L;
        long fileLength = (long) LONGS.getAcquire(m, FILE_LENGTH_OFFSET);
        if (fileLength + length > Integer.MAX_VALUE) {
            throw new IllegalStateException("shared memory page would exceed 2 GiB: file=" + file + " needed=" + needed);
        }
        lock.zeroFill(fileLength, length);
        MappedByteBuffer grown = lock.map(fileLength + length);
        LONGS.set(grown, slotOffsetField(other), fileLength);
        LONGS.set(grown, slotLengthField(other), length);
        LONGS.set(grown, slotEndField(other), 0L);
        LONGS.setRelease(grown, FILE_LENGTH_OFFSET, fileLength + length);
        map = grown;
        return grown;
    }

    private static void writeRecord(ByteBuffer m, long offset, int type, long recordVersion, byte[] payload) {
        ByteBuffer b = m.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int base = (int) offset;
        CRC32C crc = new CRC32C();
        crc.update(payload);
        b.put(base + RECORD_HEADER_LENGTH, payload);
        b.putInt(base + RECORD_LENGTH_OFFSET, payload.length);
        b.putInt(base + RECORD_TYPE_OFFSET, type);
        b.putLong(base + RECORD_VERSION_OFFSET, recordVersion);
        b.putInt(base + RECORD_CRC_OFFSET, (int) crc.getValue());
    }

    /**
     * Writes the header and empty snapshot of a new page into a zero-filled file.
     *
     * @param channel the new file
     * @param mapper to encode the empty snapshot
     * @throws IOException on write failure
     */
    static void writeInitial(java.nio.channels.FileChannel channel, ObjectMapper mapper) throws IOException {
        int slotLength = StoragePageLayout.INITIAL_SLOT_LENGTH;
        ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH + 2 * slotLength).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(StoragePageLayout.MAGIC_OFFSET, StoragePageLayout.MAGIC);
        b.putInt(StoragePageLayout.VERSION_WORD_OFFSET, StoragePageLayout.FORMAT_MAJOR << 16 | StoragePageLayout.FORMAT_MINOR);
        b.putInt(StoragePageLayout.HEADER_LENGTH_OFFSET, HEADER_LENGTH);
        b.putLong(GENERATION_OFFSET, 0);
        b.putLong(FILE_LENGTH_OFFSET, initialLength());
        for (int slot = 0; slot < 2; slot++) {
            b.putLong(slotOffsetField(slot), HEADER_LENGTH + (long) slot * slotLength);
            b.putLong(slotLengthField(slot), slotLength);
        }
        byte[] empty = mapper.writeValueAsBytes(Map.of());
        writeRecord(b, HEADER_LENGTH, TYPE_SNAPSHOT, 0, empty);
        b.putLong(slotEndField(0), StoragePageLayout.frameLength(empty.length));
        b.position(0);
        while (b.hasRemaining()) {
            channel.write(b, b.position());
        }
    }

    /**
     * Length of a new page file.
     *
     * @return bytes
     */
    static long initialLength() {
        return HEADER_LENGTH + 2L * StoragePageLayout.INITIAL_SLOT_LENGTH;
    }

    @Override
    public void close() {
        lock.close();
    }

    @Override
    public String toString() {
        return "StoragePage[" + file + "]";
    }
}
