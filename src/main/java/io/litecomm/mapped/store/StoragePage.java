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
import static io.litecomm.mapped.inspect.StoragePageLayout.TYPE_DELETE;
import static io.litecomm.mapped.inspect.StoragePageLayout.TYPE_SET;
import static io.litecomm.mapped.inspect.StoragePageLayout.TYPE_SNAPSHOT;
import static io.litecomm.mapped.inspect.StoragePageLayout.slotEndField;
import static io.litecomm.mapped.inspect.StoragePageLayout.slotLengthField;
import static io.litecomm.mapped.inspect.StoragePageLayout.slotOffsetField;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.mapped.file.DomainDirectory;
import io.litecomm.mapped.file.FileLocks;
import io.litecomm.mapped.inspect.StoragePageLayout;
import io.litecomm.mapped.inspect.StorageRecords;
import io.litecomm.spi.CorruptStorageException;
import io.litecomm.spi.TransportException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared-memory page of one domain, as seen by one process. Reads are served from a local
 * cache that is brought up to date only when the mapped generation or log end moved: a {@code get}
 * on an unchanged store costs two volatile reads and a hash lookup. Writers hold the page's file
 * lock, bring their cache up to date, and append one record; when the active slot is full, or the
 * file has become more than twice the size of the live data, they compact: into the other slot
 * when it fits and the file is not too large, else into a new file renamed over the old one, which
 * is sealed first so that peers re-open the name. A file another process may map is never shrunk.
 * A fault on the mapping (the file truncated under it) is latched: every later call fails with
 * {@link CorruptStorageException} naming the file. See {@link StoragePageLayout}.
 */
public final class StoragePage implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoragePage.class);

    /** File name of the page in its domain. */
    public static final String FILE_NAME = "storage.page";

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final DomainDirectory domain;
    private final Path file;
    private final ObjectMapper mapper;
    private final MappingFault fault;
    private final ReentrantLock refreshLock = new ReentrantLock();
    private final RetiredMappings oldMappings = new RetiredMappings();
    private volatile PageFile current;
    private volatile Map<String, Object> data = new ConcurrentHashMap<>();
    /** Encoded size of each key's last SET frame, where known (keys read from a snapshot are not). */
    private volatile Map<String, Integer> sizes = new ConcurrentHashMap<>();
    private volatile long cachedGeneration = -1;
    private volatile long cachedEnd = -1;
    private volatile long version;
    /** The file this process's last compaction wrote, until it maps it. */
    private volatile Written written;

    private static final int FRESH = 0;
    private static final int NEEDS_LOCK = 1;
    private static final int NEEDS_SWITCH = 2;

    /** A page file this process wrote: its identity and the cache state it holds. */
    private record Written(Object fileKey, long generation, long end) {
    }

    StoragePage(DomainDirectory domain, Path file, ObjectMapper mapper, PageFile page) {
        this.domain = domain;
        this.file = file;
        this.mapper = mapper;
        this.fault = new MappingFault(file);
        this.current = page;
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
        fault.check();
        try {
            refresh();
        } catch (InternalError e) {
            throw fault.truncated(e, current.map().capacity());
        }
        return external(data.get(key));
    }

    /**
     * Whether a key is present.
     *
     * @param key the key
     * @return {@code true} if set
     */
    public boolean contains(String key) {
        fault.check();
        try {
            refresh();
        } catch (InternalError e) {
            throw fault.truncated(e, current.map().capacity());
        }
        return data.containsKey(key);
    }

    /**
     * A consistent copy of the whole store.
     *
     * @return key to JSON-native value
     */
    public Map<String, Object> getAll() {
        fault.check();
        try {
            while (true) {
                refresh();
                refreshLock.lock();
                try {
                    if (refreshLocked(null) == FRESH) {
                        Map<String, Object> copy = new LinkedHashMap<>();
                        for (Map.Entry<String, Object> e : data.entrySet()) {
                            copy.put(e.getKey(), external(e.getValue()));
                        }
                        return copy;
                    }
                    // a compaction is under way: the next refresh waits for it like any reader
                } finally {
                    refreshLock.unlock();
                }
            }
        } catch (InternalError e) {
            throw fault.truncated(e, current.map().capacity());
        }
    }

    /**
     * The version of the last committed change: the count of changes since the page was created.
     *
     * @return the version
     */
    public long version() {
        fault.check();
        try {
            refresh();
        } catch (InternalError e) {
            throw fault.truncated(e, current.map().capacity());
        }
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
        write(() -> {
            append(TYPE_SET, key, payload);
            return null;
        });
    }

    /**
     * Deletes a key.
     *
     * @param key the key
     * @return whether it existed
     */
    public boolean delete(String key) {
        return write(() -> {
            if (!data.containsKey(key)) {
                return false;
            }
            append(TYPE_DELETE, key, encode(Map.of("k", key)));
            return true;
        });
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
        return write(() -> {
            Object next = fn.apply(external(data.get(key)));
            if (next == null) {
                if (data.containsKey(key)) {
                    append(TYPE_DELETE, key, encode(Map.of("k", key)));
                }
                return null;
            }
            append(TYPE_SET, key, encodeSet(key, next));
            return external(data.get(key));
        });
    }

    /**
     * Runs a change holding the writer lock of the current file, with the cache up to date. If the
     * file turns out to have been replaced, the lock of the new one is taken and the change runs
     * there. A fault on the mapping is latched.
     */
    @SuppressWarnings("try") // the resource is a held lock: holding it is the point
    private <T> T write(Supplier<T> change) {
        fault.check();
        try {
            while (true) {
                PageFile page = current;
                if (!page.use()) {
                    continue; // replaced meanwhile: current is already the newer file
                }
                int status;
                boolean ran = false;
                T result = null;
                try {
                    fault.checkLength(page.fileKey(), page.map().capacity());
                    try (FileLocks.Held held = page.lock().lock()) {
                        refreshLock.lock();
                        try {
                            status = refreshLocked(page);
                            if (status == FRESH && current == page) {
                                result = change.get();
                                ran = true;
                            }
                        } finally {
                            refreshLock.unlock();
                        }
                    }
                } finally {
                    page.done();
                }
                if (ran) {
                    if (written != null) {
                        followCommitted(page);
                    }
                    return result;
                }
                if (status == NEEDS_SWITCH) {
                    follow(page);
                }
            }
        } catch (InternalError e) {
            throw fault.truncated(e, current.map().capacity());
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
        MappedByteBuffer m = current.map();
        long generation = (long) LONGS.getAcquire(m, GENERATION_OFFSET);
        long end = (long) LONGS.getAcquire(m, slotEndField((int) (generation & 1)));
        if (generation == cachedGeneration && end == cachedEnd) {
            return;
        }
        PageFile locked = null;
        FileLocks.Held held = null;
        try {
            while (true) {
                int status;
                refreshLock.lock();
                try {
                    status = refreshLocked(locked);
                } finally {
                    refreshLock.unlock();
                }
                if (status == FRESH) {
                    return;
                }
                if (held != null) {
                    held.close();
                    held = null;
                    locked.done();
                    locked = null;
                }
                if (status == NEEDS_SWITCH) {
                    follow(current);
                    continue;
                }
                // sealed but still in place: its sealer is renaming (wait for its lock) or died (take over)
                PageFile page = current;
                if (!page.use()) {
                    continue;
                }
                try {
                    fault.checkLength(page.fileKey(), page.map().capacity());
                    held = page.lock().lock();
                    locked = page;
                } finally {
                    if (locked != page) {
                        page.done();
                    }
                }
            }
        } finally {
            if (held != null) {
                held.close();
                locked.done();
            }
        }
    }

    /**
     * Brings the cache up to date from the current file. Returns {@link #NEEDS_SWITCH} if that file
     * is sealed and another file has the name (the caller maps it with {@link #follow}, holding no
     * lock: opening a file while holding a file lock could deadlock with a handle being closed), or
     * {@link #NEEDS_LOCK} if it is sealed but still in place and {@code locked} is not it (the caller
     * takes its writer lock and calls again). Under that lock a sealed file still in place is one
     * whose sealer died: it is unsealed.
     */
    private int refreshLocked(PageFile locked) {
        while (true) {
            PageFile page = current;
            MappedByteBuffer m = page.map();
            long generation = (long) LONGS.getAcquire(m, GENERATION_OFFSET);
            if ((generation & SEALED) != 0) {
                if (replacedOnDisk(page)) {
                    return NEEDS_SWITCH;
                }
                if (page != locked) {
                    return NEEDS_LOCK;
                }
                LONGS.setRelease(m, GENERATION_OFFSET, generation & ~SEALED);
                continue;
            }
            int slot = (int) (generation & 1);
            long end = (long) LONGS.getAcquire(m, slotEndField(slot));
            if (generation == cachedGeneration && end == cachedEnd) {
                return FRESH;
            }
            long slotOffset = (long) LONGS.get(m, slotOffsetField(slot));
            long slotLength = (long) LONGS.get(m, slotLengthField(slot));
            checkSlot(m, slot, slotOffset, slotLength, end);
            boolean incremental = generation == cachedGeneration && end > cachedEnd;
            long from = incremental ? cachedEnd : 0;
            List<Change> changes = new ArrayList<>();
            String problem = readRecords(m, slotOffset, from, end, incremental ? version : -1, changes);
            long after = (long) LONGS.getAcquire(m, GENERATION_OFFSET);
            if ((after & ~SEALED) - generation > 1) {
                continue; // the slot may have been rewritten while we read it
            }
            if (problem != null) {
                throw new CorruptStorageException(file.toString(), problem);
            }
            Map<String, Object> target = incremental ? data : new ConcurrentHashMap<>();
            Map<String, Integer> targetSizes = incremental ? sizes : new ConcurrentHashMap<>();
            long last = incremental ? version : 0;
            for (Change change : changes) {
                last = change.apply(target, targetSizes);
            }
            data = target;
            sizes = targetSizes;
            version = last;
            cachedGeneration = generation;
            cachedEnd = end;
            if (after == generation) {
                return FRESH;
            }
        }
    }

    /** Whether the page's name now holds another file than {@code page} (or none). */
    private boolean replacedOnDisk(PageFile page) {
        try {
            Object key = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return !key.equals(page.fileKey());
        } catch (NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            throw new TransportException("cannot read attributes: file=" + file + " cause=" + e, e);
        }
    }

    /**
     * This process's change compacted into a new file, renamed over the page's name: committed.
     * Maps the new file now, holding no lock; if that fails (an I/O error), the change still
     * stands and the next call follows the seal to the new file.
     */
    private void followCommitted(PageFile page) {
        try {
            follow(page);
        } catch (RuntimeException e) {
            LOG.warn("change committed; mapping the new page file failed, the next call retries: file={} cause={}",
                    file, e.toString());
        }
    }

    /**
     * Maps the file now named {@link #file} in place of {@code old}, if that is still the current
     * one. Holds no file lock while it opens the file. If the new file is the one this process's
     * last compaction wrote, the cache (already its content) is kept; else it is rebuilt from it.
     */
    private void follow(PageFile old) {
        PageFile next = null;
        for (int attempt = 0; next == null; attempt++) {
            try {
                domain.checkFile(file);
            } catch (NoSuchFileException e) {
                throw new CorruptStorageException(file.toString(), "page sealed for replacement but no file has its name");
            }
            if (attempt == 1000) {
                throw new CorruptStorageException(file.toString(), "page keeps being replaced while being opened");
            }
            next = StoragePages.openFile(domain, file);
        }
        boolean installed = false;
        refreshLock.lock();
        try {
            if (current == old) {
                current = next;
                installed = true;
                Written w = written;
                written = null;
                boolean ours = w != null && w.fileKey().equals(next.fileKey());
                cachedGeneration = ours ? w.generation() : -1;
                cachedEnd = ours ? w.end() : -1;
            }
        } finally {
            refreshLock.unlock();
        }
        if (installed) {
            oldMappings.retire(old.map());
            old.retire();
        } else {
            next.retire();
        }
    }

    private void checkSlot(MappedByteBuffer m, int slot, long offset, long length, long end) {
        long fileLength = (long) LONGS.getAcquire(m, FILE_LENGTH_OFFSET);
        // offset + length could wrap: compare with a difference of values already known to be in range
        if (fileLength > m.capacity() || offset < HEADER_LENGTH || offset > fileLength || length < RECORD_HEADER_LENGTH
                || length > fileLength - offset || end < RECORD_HEADER_LENGTH || end > length) {
            throw new CorruptStorageException(file.toString(), "impossible slot: slot=" + slot + " offset=" + offset
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
                return (target, targetSizes) -> {
                    target.clear();
                    targetSizes.clear();
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
                int frame = StoragePageLayout.frameLength(payload.length);
                return (target, targetSizes) -> {
                    putValue(target, key, value);
                    targetSizes.put(key, frame);
                    return recordVersion;
                };
            }
            return (target, targetSizes) -> {
                target.remove(key);
                targetSizes.remove(key);
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

    /** A change read from the page, applied to a map and its sizes; returns the record's version. */
    @FunctionalInterface
    private interface Change {
        long apply(Map<String, Object> target, Map<String, Integer> targetSizes);
    }

    /** Placeholder for a JSON null stored under a key (a concurrent map holds no nulls). */
    enum NullValue {
        /** The one instance. */
        INSTANCE
    }

    /**
     * Appends a change, compacting when the active slot is full or the file has become too large
     * for the live data. Lock held, cache fresh.
     */
    private void append(int type, String key, byte[] payload) {
        PageFile page = current;
        MappedByteBuffer m = page.map();
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
        long live = Math.max(0, (long) LONGS.get(m, LIVE_BYTES_OFFSET) - sizeOf(key) + (type == TYPE_SET ? frame : 0));
        if (end + frame <= slotLength && m.capacity() <= StoragePageLayout.footprintBound(live)) {
            writeRecord(m, slotOffset + end, type, next, payload);
            LONGS.setRelease(m, slotEndField(slot), end + frame);
            LONGS.setRelease(m, STORE_VERSION_OFFSET, next);
            LONGS.setRelease(m, LIVE_BYTES_OFFSET, live);
            change.apply(data, sizes);
            cachedEnd = end + frame;
            version = next;
            return;
        }
        Map<String, Object> compacted = new ConcurrentHashMap<>(data);
        Map<String, Integer> compactedSizes = new ConcurrentHashMap<>(sizes);
        change.apply(compacted, compactedSizes);
        compact(page, compacted, compactedSizes, generation, next);
    }

    /** Bytes the key's current value takes in the log, encoding it if no record told us. */
    private long sizeOf(String key) {
        Object value = data.get(key);
        if (value == null) {
            return 0;
        }
        Integer known = sizes.get(key);
        if (known != null) {
            return known;
        }
        int frame = StoragePageLayout.frameLength(encodeSet(key, value == NullValue.INSTANCE ? null : value).length);
        sizes.put(key, frame);
        return frame;
    }

    private void compact(PageFile page, Map<String, Object> compacted, Map<String, Integer> compactedSizes,
            long generation, long next) {
        Map<String, Object> snapshot = new LinkedHashMap<>();
        compacted.forEach((k, v) -> snapshot.put(k, v == NullValue.INSTANCE ? null : v));
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
            cachedGeneration = generation + 1;
        } else {
            replaceFile(page, generation, next, payload);
            cachedGeneration = -1; // the sealed file is not to be trusted: the next look follows the seal
        }
        data = compacted;
        sizes = compactedSizes;
        cachedEnd = frame;
        version = next;
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

    private static void writeHeader(ByteBuffer b, long generation, long fileLength, long[] lengths) {
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
    static void writeInitial(java.nio.channels.FileChannel channel, ObjectMapper mapper) throws IOException {
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

    @Override
    public void close() {
        current.retire();
    }

    @Override
    public String toString() {
        return "StoragePage[" + file + "]";
    }
}
