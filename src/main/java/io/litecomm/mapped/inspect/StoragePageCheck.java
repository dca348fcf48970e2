package io.litecomm.mapped.inspect;

import static io.litecomm.mapped.inspect.StoragePageLayout.TYPE_DELETE;
import static io.litecomm.mapped.inspect.StoragePageLayout.TYPE_SET;
import static io.litecomm.mapped.inspect.StoragePageLayout.TYPE_SNAPSHOT;

import io.litecomm.codec.JsonSupport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Checks the shared-memory page {@code storage.page} ({@code docs/FORMAT.md} section 9, format
 * 2.x) read-only, with the page's own rules ({@link StoragePageFile}, {@link StorageLog}): the
 * header, both slot descriptors, and every record of the active slot (type, length, position,
 * CRC-32C, JSON, consecutive versions); a seal left by a compaction that did not finish is a
 * note. Writers are kept out while it reads, by their own lock.
 */
public final class StoragePageCheck {

    /** The note of a check made while a writer held the file. */
    static final String WRITER_HELD = "checked while a writer held the file: a problem may be a write in progress";

    private static final long WRITER_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private StoragePageCheck() {
    }

    /**
     * Checks a page file.
     *
     * @param path the file
     * @param report receives problems, notes and the summary
     */
    public static void check(Path path, Findings report) {
        try (InspectedFile opened = InspectedFile.open(path)) {
            long size = opened.size();
            StoragePageFile.checkLength(size, path.toString());
            InspectedFile.WriterLock lock = opened.lockOutWriters(WRITER_WAIT_NANOS);
            if (lock == null) {
                report.note(WRITER_HELD);
            }
            try {
                check(opened.map(size), size, path.toString(), report);
            } finally {
                if (lock != null) {
                    lock.close();
                }
            }
        } catch (CorruptFormatException e) {
            report.problem(e.problem());
        } catch (IOException e) {
            report.problem("cannot read: " + e);
        }
    }

    private static void check(ByteBuffer b, long size, String where, Findings report) {
        StoragePageFile.checkHeader(b, size, where);
        long fileLength = b.getLong(StoragePageLayout.FILE_LENGTH_OFFSET);
        long generation = b.getLong(StoragePageLayout.GENERATION_OFFSET);
        if ((generation & StoragePageLayout.SEALED) != 0) {
            // writers are locked out while we read, so no compaction is under way: its writer died
            // between sealing and renaming, and the next writer unseals the file
            report.note("sealed by a compaction that did not finish: the next writer unseals it");
        }
        int active = (int) (generation & 1);
        for (int slot : new int[] {active, 1 - active}) {
            String problem = StoragePageFile.slotProblem(slot, slot == active, b.getLong(StoragePageLayout.slotOffsetField(slot)),
                    b.getLong(StoragePageLayout.slotLengthField(slot)), b.getLong(StoragePageLayout.slotEndField(slot)),
                    fileLength, size);
            if (problem != null) {
                report.problem(problem);
                return;
            }
        }
        long offset = b.getLong(StoragePageLayout.slotOffsetField(active));
        long end = b.getLong(StoragePageLayout.slotEndField(active));
        Set<String> keys = new HashSet<>();
        long[] version = {-1};
        String problem = StorageLog.read(JsonSupport.mapper(), b, offset, 0, end, -1, change -> {
            if (change.type() == TYPE_SNAPSHOT) {
                keys.clear();
                keys.addAll(change.snapshot().keySet());
            } else if (change.type() == TYPE_SET) {
                keys.add(change.key());
            } else if (change.type() == TYPE_DELETE) {
                keys.remove(change.key());
            }
            version[0] = change.version();
        });
        if (problem != null) {
            report.problem(problem);
            return;
        }
        report.summary(keys.size() + (keys.size() == 1 ? " key" : " keys") + ", version " + version[0]
                + ", generation " + (generation & ~StoragePageLayout.SEALED) + ", log " + end + " of "
                + b.getLong(StoragePageLayout.slotLengthField(active)) + " bytes, file " + size + " bytes, live "
                + b.getLong(StoragePageLayout.LIVE_BYTES_OFFSET) + " bytes");
    }
}
