package io.litecomm.mapped.store;

import static io.litecomm.mapped.inspect.StoragePageLayout.FILE_LENGTH_OFFSET;
import static io.litecomm.mapped.inspect.StoragePageLayout.GENERATION_OFFSET;
import static io.litecomm.mapped.inspect.StoragePageLayout.SEALED;
import static io.litecomm.mapped.inspect.StoragePageLayout.slotEndField;
import static io.litecomm.mapped.inspect.StoragePageLayout.slotLengthField;
import static io.litecomm.mapped.inspect.StoragePageLayout.slotOffsetField;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.mapped.inspect.StorageLog;
import io.litecomm.mapped.inspect.StoragePageFile;
import io.litecomm.spi.CorruptStorageException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The reading side of the shared-memory page: brings {@link PageCache} up to date from the mapped
 * file with the format's own rules ({@link StoragePageFile}, {@link StorageLog}), reading only the
 * records appended since the last look when the generation did not move, and again when a
 * compaction rewrote the slot meanwhile. Called by {@link StoragePage} under its refresh lock.
 */
final class PageReader {

    /** {@link #load}: the cache is what the page holds. */
    static final int FRESH = 0;
    /** {@link #load}: the file is sealed but still in place; take its writer lock and call again. */
    static final int NEEDS_LOCK = 1;
    /** {@link #load}: the file is sealed and another file has the name; map it and call again. */
    static final int NEEDS_SWITCH = 2;

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final Path file;
    private final ObjectMapper mapper;
    private final PageCache cache;

    PageReader(Path file, ObjectMapper mapper, PageCache cache) {
        this.file = file;
        this.mapper = mapper;
        this.cache = cache;
    }

    /**
     * Brings the cache up to date from the current file ({@code current}, read again after each
     * change of the page). Returns {@link #NEEDS_SWITCH} if that file
     * is sealed and another file has the name (the caller maps it with {@link #follow}, holding no
     * lock: opening a file while holding a file lock could deadlock with a handle being closed), or
     * {@link #NEEDS_LOCK} if it is sealed but still in place and {@code locked} is not it (the caller
     * takes its writer lock and calls again). Under that lock a sealed file still in place is one
     * whose sealer died: it is unsealed.
     */
    int load(Supplier<PageFile> current, PageFile locked) {
        while (true) {
            PageFile page = current.get();
            MappedByteBuffer m = page.map();
            long generation = (long) LONGS.getAcquire(m, GENERATION_OFFSET);
            if ((generation & SEALED) != 0) {
                if (PageFiles.replacedOnDisk(file, page)) {
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
            if (cache.fresh(generation, end)) {
                return FRESH;
            }
            long slotOffset = (long) LONGS.get(m, slotOffsetField(slot));
            long slotLength = (long) LONGS.get(m, slotLengthField(slot));
            String slotProblem = slotProblem(m, slot, slotOffset, slotLength, end);
            if (slotProblem != null) {
                if (generationMoved(m, generation)) {
                    continue; // the slot was being rewritten: read it again
                }
                throw new CorruptStorageException(file.toString(), slotProblem);
            }
            boolean incremental = generation == cache.generation && end > cache.end;
            long from = incremental ? cache.end : 0;
            List<PageCache.Change> changes = new ArrayList<>();
            String problem = readRecords(m, slotOffset, from, end, incremental ? cache.version : -1, changes);
            long after = (long) LONGS.getAcquire(m, GENERATION_OFFSET);
            if ((after & ~SEALED) != generation) {
                // any compaction since the first look may be rewriting what was read (the one after
                // generation + 1 rewrites this very slot while the generation still says + 1): a
                // reader judges and installs only what it read under one generation (FORMAT.md 9.4)
                continue;
            }
            if (problem != null) {
                throw new CorruptStorageException(file.toString(), problem);
            }
            Map<String, Object> target = incremental ? cache.data : new ConcurrentHashMap<>();
            Map<String, Integer> targetSizes = incremental ? cache.sizes : new ConcurrentHashMap<>();
            long last = incremental ? cache.version : 0;
            for (PageCache.Change change : changes) {
                last = change.apply(target, targetSizes);
            }
            cache.data = target;
            cache.sizes = targetSizes;
            cache.version = last;
            cache.generation = generation;
            cache.end = end;
            if (after == generation) {
                return FRESH;
            }
        }
    }

    private static String slotProblem(MappedByteBuffer m, int slot, long offset, long length, long end) {
        long fileLength = (long) LONGS.getAcquire(m, FILE_LENGTH_OFFSET);
        return StoragePageFile.slotProblem(slot, true, offset, length, end, fileLength, m.capacity());
    }

    private static boolean generationMoved(MappedByteBuffer m, long generation) {
        return ((long) LONGS.getAcquire(m, GENERATION_OFFSET) & ~SEALED) != generation;
    }

    /**
     * Parses records in [from, end) of a slot; returns a problem instead of throwing, for the caller
     * to judge ({@link StorageLog#read}: checked records, consecutive versions, decoded payloads).
     */
    private String readRecords(MappedByteBuffer m, long slotOffset, long from, long end, long previous,
            List<PageCache.Change> out) {
        return StorageLog.read(mapper, m, slotOffset, from, end, previous, change -> out.add(PageCache.changeOf(change)));
    }
}
