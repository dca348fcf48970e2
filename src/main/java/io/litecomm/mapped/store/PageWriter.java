package io.litecomm.mapped.store;

import static io.litecomm.mapped.inspect.StoragePageLayout.FILE_LENGTH_OFFSET;
import static io.litecomm.mapped.inspect.StoragePageLayout.GENERATION_OFFSET;
import static io.litecomm.mapped.inspect.StoragePageLayout.HEADER_LENGTH;
import static io.litecomm.mapped.inspect.StoragePageLayout.LIVE_BYTES_OFFSET;
import static io.litecomm.mapped.inspect.StoragePageLayout.RECORD_CRC_OFFSET;
import static io.litecomm.mapped.inspect.StoragePageLayout.RECORD_HEADER_LENGTH;
import static io.litecomm.mapped.inspect.StoragePageLayout.RECORD_LENGTH_OFFSET;
import static io.litecomm.mapped.inspect.StoragePageLayout.RECORD_TYPE_OFFSET;
import static io.litecomm.mapped.inspect.StoragePageLayout.RECORD_VERSION_OFFSET;
import static io.litecomm.mapped.inspect.StoragePageLayout.SEALED;
import static io.litecomm.mapped.inspect.StoragePageLayout.STORE_VERSION_OFFSET;
import static io.litecomm.mapped.inspect.StoragePageLayout.TYPE_SET;
import static io.litecomm.mapped.inspect.StoragePageLayout.TYPE_SNAPSHOT;
import static io.litecomm.mapped.inspect.StoragePageLayout.slotEndField;
import static io.litecomm.mapped.inspect.StoragePageLayout.slotLengthField;
import static io.litecomm.mapped.inspect.StoragePageLayout.slotOffsetField;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.codec.JsonSupport;
import io.litecomm.mapped.inspect.StorageLog;
import io.litecomm.mapped.inspect.StoragePageLayout;
import io.litecomm.spi.TransportException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * The writing side of the shared-memory page: encodes a change, appends its record and publishes
 * the new log end, and compacts when the active slot is full or the file has become too large for
 * the live data (into the other slot, or into a new file renamed over the page after sealing the
 * old one). Called by {@link StoragePage} holding the page's writer lock with the cache fresh; it
 * keeps {@link PageCache} equal to what it wrote.
 */
final class PageWriter {

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final ObjectMapper mapper;
    private final PageCache cache;
    /** The file this process's last compaction wrote, until {@link StoragePage} maps it. */
    private volatile Written written;

    /** A page file this process wrote: its identity and the cache state it holds. */
    record Written(Object fileKey, long generation, long end) {
    }

    PageWriter(Path file, ObjectMapper mapper, PageCache cache) {
        this.file = file;
        this.mapper = mapper;
        this.cache = cache;
    }

    /**
     * The file the last compaction wrote, if this process has not mapped it yet.
     *
     * @return it, or {@code null}
     */
    Written written() {
        return written;
    }

    /**
     * Takes the record of the file the last compaction wrote, as the caller maps it.
     *
     * @return it, or {@code null}
     */
    Written takeWritten() {
        Written w = written;
        written = null;
        return w;
    }

    byte[] encodeSet(String key, Object value) {
        Map<String, Object> record = new HashMap<>(4);
        record.put("k", key);
        record.put("v", value);
        return encode(record);
    }

    byte[] encode(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise value as JSON: cause=" + e.getOriginalMessage(), e);
        }
    }

    /** A decoded record as a change of this process's cache; {@code null} if it does not decode. */
    private PageCache.Change decode(int type, long recordVersion, byte[] payload) {
        StorageLog.Change change = StorageLog.decode(mapper, type, recordVersion, payload);
        return change == null ? null : PageCache.changeOf(change);
    }

    /**
     * Appends a change, compacting when the active slot is full or the file has become too large
     * for the live data. Lock held, cache fresh.
     */
    void append(PageFile page, int type, String key, byte[] payload) {
        MappedByteBuffer m = page.map();
        long generation = cache.generation;
        int slot = (int) (generation & 1);
        long slotOffset = (long) LONGS.get(m, slotOffsetField(slot));
        long slotLength = (long) LONGS.get(m, slotLengthField(slot));
        long end = cache.end;
        long next = cache.version + 1;
        int frame = StoragePageLayout.frameLength(payload.length);
        PageCache.Change change = decode(type, next, payload);
        if (change == null) {
            throw new IllegalArgumentException("value cannot be stored: it would not read back as JSON (nested deeper than "
                    + JsonSupport.MAX_NESTING_DEPTH + "?)");
        }
        long live = Math.max(0, (long) LONGS.get(m, LIVE_BYTES_OFFSET) - sizeOf(key) + (type == TYPE_SET ? frame : 0));
        if (end + frame <= slotLength && m.capacity() <= StoragePageLayout.footprintBound(live)) {
            writeRecord(m, slotOffset + end, type, next, payload);
            LONGS.setRelease(m, slotEndField(slot), end + frame);
            LONGS.setRelease(m, STORE_VERSION_OFFSET, next);
            LONGS.setRelease(m, LIVE_BYTES_OFFSET, live);
            change.apply(cache.data, cache.sizes);
            cache.end = end + frame;
            cache.version = next;
            return;
        }
        Map<String, Object> compacted = new ConcurrentHashMap<>(cache.data);
        Map<String, Integer> compactedSizes = new ConcurrentHashMap<>(cache.sizes);
        change.apply(compacted, compactedSizes);
        compact(page, compacted, compactedSizes, generation, next);
    }

    /** Bytes the key's current value takes in the log, encoding it if no record told us. */
    private long sizeOf(String key) {
        Object value = cache.data.get(key);
        if (value == null) {
            return 0;
        }
        Integer known = cache.sizes.get(key);
        if (known != null) {
            return known;
        }
        int frame = StoragePageLayout.frameLength(encodeSet(key, value == PageCache.NullValue.INSTANCE ? null : value).length);
        cache.sizes.put(key, frame);
        return frame;
    }

    private void compact(PageFile page, Map<String, Object> compacted, Map<String, Integer> compactedSizes,
            long generation, long next) {
        Map<String, Object> snapshot = new LinkedHashMap<>();
        compacted.forEach((k, v) -> snapshot.put(k, v == PageCache.NullValue.INSTANCE ? null : v));
        byte[] payload = encode(snapshot);
        int frame = StoragePageLayout.frameLength(payload.length);
        MappedByteBuffer m = page.map();
        int other = (int) ((generation + 1) & 1);
        boolean fitsInPlace = (long) LONGS.get(m, slotLengthField(other)) >= frame + StoragePageLayout.MIN_HEADROOM
                && m.capacity() <= StoragePageLayout.footprintBound(frame);
        if (fitsInPlace) {
            long otherOffset = (long) LONGS.get(m, slotOffsetField(other));
            writeRecord(m, otherOffset, TYPE_SNAPSHOT, next, payload);
            LONGS.setRelease(m, slotEndField(other), (long) frame);
            LONGS.setRelease(m, LIVE_BYTES_OFFSET, (long) frame);
            LONGS.setRelease(m, GENERATION_OFFSET, generation + 1);
            LONGS.setRelease(m, STORE_VERSION_OFFSET, next);
            cache.generation = generation + 1;
        } else {
            replaceFile(page, generation, next, payload);
            cache.generation = -1; // the sealed file is not to be trusted: the next look follows the seal
        }
        cache.data = compacted;
        cache.sizes = compactedSizes;
        cache.end = frame;
        cache.version = next;
    }

    /**
     * Writes the compacted page into a new file sized for it, seals the old one, renames the new one
     * over the page's name (the commit point). This process, like its peers, follows the seal to
     * the new file once it holds no lock ({@link #write}); until then the cache is this change's.
     */
    private void replaceFile(PageFile page, long generation, long next, byte[] payload) {
        StoragePages.sweepLeftovers(file);
        int frame = StoragePageLayout.frameLength(payload.length);
        long nextGeneration = generation + 1;
        int active = (int) (nextGeneration & 1);
        long[] lengths = new long[2];
        long slotLength = StoragePageLayout.slotLengthFor(frame);
        lengths[active] = slotLength;
        // the other slot as large, if the bound allows, so the next compactions flip in place
        boolean twoLarge = HEADER_LENGTH + 2 * slotLength <= StoragePageLayout.footprintBound(frame);
        lengths[1 - active] = twoLarge ? slotLength : StoragePageLayout.INITIAL_SLOT_LENGTH;
        long fileLength = HEADER_LENGTH + lengths[0] + lengths[1];
        if (fileLength > Integer.MAX_VALUE) {
            throw new IllegalStateException("shared memory page would exceed 2 GiB: file=" + file + " needed=" + fileLength);
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        writeHeader(header, nextGeneration, fileLength, lengths);
        header.putLong(slotEndField(active), frame);
        header.putLong(STORE_VERSION_OFFSET, next);
        header.putLong(LIVE_BYTES_OFFSET, frame);
        ByteBuffer record = ByteBuffer.allocate(frame).order(ByteOrder.LITTLE_ENDIAN);
        writeRecord(record, 0, TYPE_SNAPSHOT, next, payload);
        long slotOffset = active == 0 ? HEADER_LENGTH : HEADER_LENGTH + lengths[0];
        Path tmp = StoragePages.writeReplacement(file, fileLength, Map.of(0L, header, slotOffset, record));
        Object writtenKey;
        try {
            writtenKey = Files.readAttributes(tmp, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            LONGS.setRelease(page.map(), GENERATION_OFFSET, generation | SEALED);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                LONGS.setRelease(page.map(), GENERATION_OFFSET, generation);
                throw e;
            }
        } catch (IOException e) {
            StoragePages.deleteQuietly(tmp);
            throw new TransportException("cannot replace page: file=" + file + " cause=" + e, e);
        } catch (RuntimeException | Error e) {
            StoragePages.deleteQuietly(tmp);
            throw e;
        }
        this.written = new Written(writtenKey, nextGeneration, frame);
    }

    static void writeHeader(ByteBuffer b, long generation, long fileLength, long[] lengths) {
        b.putLong(StoragePageLayout.MAGIC_OFFSET, StoragePageLayout.MAGIC);
        b.putInt(StoragePageLayout.VERSION_WORD_OFFSET, StoragePageLayout.FORMAT_MAJOR << 16 | StoragePageLayout.FORMAT_MINOR);
        b.putInt(StoragePageLayout.HEADER_LENGTH_OFFSET, HEADER_LENGTH);
        b.putLong(GENERATION_OFFSET, generation);
        b.putLong(FILE_LENGTH_OFFSET, fileLength);
        long offset = HEADER_LENGTH;
        for (int slot = 0; slot < 2; slot++) {
            b.putLong(slotOffsetField(slot), offset);
            b.putLong(slotLengthField(slot), lengths[slot]);
            offset += lengths[slot];
        }
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
    static void writeInitial(FileChannel channel, ObjectMapper mapper) throws IOException {
        int slotLength = StoragePageLayout.INITIAL_SLOT_LENGTH;
        ByteBuffer b = ByteBuffer.allocate(HEADER_LENGTH + 2 * slotLength).order(ByteOrder.LITTLE_ENDIAN);
        writeHeader(b, 0, initialLength(), new long[] {slotLength, slotLength});
        byte[] empty = mapper.writeValueAsBytes(Map.of());
        writeRecord(b, HEADER_LENGTH, TYPE_SNAPSHOT, 0, empty);
        b.putLong(slotEndField(0), StoragePageLayout.frameLength(empty.length));
        b.putLong(LIVE_BYTES_OFFSET, StoragePageLayout.frameLength(empty.length));
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
}
