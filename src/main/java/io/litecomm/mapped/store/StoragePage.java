package io.litecomm.mapped.store;

import static io.litecomm.mapped.inspect.StoragePageLayout.GENERATION_OFFSET;
import static io.litecomm.mapped.inspect.StoragePageLayout.TYPE_DELETE;
import static io.litecomm.mapped.inspect.StoragePageLayout.TYPE_SET;
import static io.litecomm.mapped.inspect.StoragePageLayout.slotEndField;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.mapped.file.DomainDirectory;
import io.litecomm.mapped.file.FileLocks;
import io.litecomm.mapped.inspect.DomainFiles;
import io.litecomm.mapped.inspect.StoragePageLayout;
import io.litecomm.spi.CorruptStorageException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
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
    public static final String FILE_NAME = DomainFiles.STORAGE_PAGE;

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final DomainDirectory domain;
    private final Path file;
    private final ObjectMapper mapper;
    private final MappingFault fault;
    private final ReentrantLock refreshLock = new ReentrantLock();
    private final RetiredMappings oldMappings = new RetiredMappings();
    private final PageCache cache = new PageCache();
    private final PageWriter writer;
    private final PageReader reader;
    private volatile PageFile current;

    private static final int FRESH = PageReader.FRESH;
    private static final int NEEDS_SWITCH = PageReader.NEEDS_SWITCH;

    StoragePage(DomainDirectory domain, Path file, ObjectMapper mapper, PageFile page) {
        this.domain = domain;
        this.file = file;
        this.mapper = mapper;
        this.fault = new MappingFault(file);
        this.current = page;
        this.writer = new PageWriter(file, mapper, cache);
        this.reader = new PageReader(file, mapper, cache);
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
        refreshChecked();
        return PageCache.external(cache.data.get(key));
    }

    /**
     * Whether a key is present.
     *
     * @param key the key
     * @return {@code true} if set
     */
    public boolean contains(String key) {
        refreshChecked();
        return cache.data.containsKey(key);
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
                    if (reader.load(this::current, null) == FRESH) {
                        Map<String, Object> copy = new LinkedHashMap<>();
                        for (Map.Entry<String, Object> e : cache.data.entrySet()) {
                            copy.put(e.getKey(), PageCache.external(e.getValue()));
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
        refreshChecked();
        return cache.version;
    }

    /**
     * Sets a key. The value is serialised before anything changes.
     *
     * @param key the key
     * @param value anything Jackson can write
     * @throws IllegalArgumentException if the value cannot be serialised
     */
    public void set(String key, Object value) {
        byte[] payload = writer.encodeSet(key, value);
        write(() -> {
            writer.append(current, TYPE_SET, key, payload);
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
            if (!cache.data.containsKey(key)) {
                return false;
            }
            writer.append(current, TYPE_DELETE, key, writer.encode(Map.of("k", key)));
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
            Object next = fn.apply(PageCache.external(cache.data.get(key)));
            if (next == null) {
                if (cache.data.containsKey(key)) {
                    writer.append(current, TYPE_DELETE, key, writer.encode(Map.of("k", key)));
                }
                return null;
            }
            writer.append(current, TYPE_SET, key, writer.encodeSet(key, next));
            return PageCache.external(cache.data.get(key));
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
                            status = reader.load(this::current, page);
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
                    if (writer.written() != null) {
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

    private PageFile current() {
        return current;
    }

    /** {@link #refresh()}, a fault on the mapping latched. */
    private void refreshChecked() {
        fault.check();
        try {
            refresh();
        } catch (InternalError e) {
            throw fault.truncated(e, current.map().capacity());
        }
    }

    /** Brings the cache up to date if the page moved; the fast path takes no lock. */
    private void refresh() {
        MappedByteBuffer m = current.map();
        long generation = (long) LONGS.getAcquire(m, GENERATION_OFFSET);
        long end = (long) LONGS.getAcquire(m, slotEndField((int) (generation & 1)));
        if (cache.fresh(generation, end)) {
            return;
        }
        PageFile locked = null;
        FileLocks.Held held = null;
        try {
            while (true) {
                int status;
                refreshLock.lock();
                try {
                    status = reader.load(this::current, locked);
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
        PageFile next = PageFiles.openReplacement(domain, file);
        boolean installed = false;
        refreshLock.lock();
        try {
            if (current == old) {
                current = next;
                installed = true;
                PageWriter.Written w = writer.takeWritten();
                boolean ours = w != null && w.fileKey().equals(next.fileKey());
                cache.generation = ours ? w.generation() : -1;
                cache.end = ours ? w.end() : -1;
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

    @Override
    public void close() {
        current.retire();
    }

    @Override
    public String toString() {
        return "StoragePage[" + file + "]";
    }
}
