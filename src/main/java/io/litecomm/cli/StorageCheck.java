package io.litecomm.cli;

import static io.litecomm.mapped.inspect.StoragePageLayout.HEADER_LENGTH;
import static io.litecomm.mapped.inspect.StoragePageLayout.RECORD_HEADER_LENGTH;
import static io.litecomm.mapped.inspect.StoragePageLayout.TYPE_SET;
import static io.litecomm.mapped.inspect.StoragePageLayout.TYPE_SNAPSHOT;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.mapped.file.FileLocks;
import io.litecomm.mapped.inspect.FormatCheck;
import io.litecomm.mapped.inspect.StoragePageLayout;
import io.litecomm.mapped.inspect.StorageRecords;
import io.litecomm.spi.CorruptStorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks the shared-memory page {@code storage.page} ({@code docs/FORMAT.md} section 9, format
 * 2.x) read-only: the header, both slot descriptors, and every record of the active slot (type,
 * length, position, CRC-32C, JSON, consecutive versions); a seal left by a compaction that did not
 * finish is a note. Writers are kept out while it reads, by a shared lock on
 * their lock byte.
 */
final class StorageCheck {

    private final ObjectMapper mapper = new ObjectMapper();

    static FileReport check(Path file) {
        FileReport report = new FileReport(file, "shared memory page");
        if (!report.checkAttributes()) {
            return report;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = channel.size();
            if (size == 0) {
                return report.problem("empty file: length=0");
            }
            if (size < HEADER_LENGTH) {
                return report.problem("truncated header: length=" + size + " expected>=" + HEADER_LENGTH);
            }
            if (size > Integer.MAX_VALUE) {
                return report.problem("file too large: length=" + size);
            }
            FileLock lock = report.lockOutWriters(channel, FileLocks.WRITER_LOCK);
            try {
                ByteBuffer page = channel.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
                new StorageCheck().check(page, size, report);
            } finally {
                if (lock != null) {
                    lock.release();
                }
            }
        } catch (IOException e) {
            report.problem("cannot read: " + e);
        }
        return report;
    }

    private void check(ByteBuffer b, long size, FileReport report) {
        try {
            FormatCheck.magicAndVersion(b, StoragePageLayout.MAGIC, StoragePageLayout.FORMAT_MAJOR, report.file().toString());
        } catch (CorruptStorageException e) {
            report.problem(e.problem());
            return;
        }
        int headerLength = b.getInt(StoragePageLayout.HEADER_LENGTH_OFFSET);
        long fileLength = b.getLong(StoragePageLayout.FILE_LENGTH_OFFSET);
        long generation = b.getLong(StoragePageLayout.GENERATION_OFFSET);
        if (headerLength != HEADER_LENGTH || fileLength < HEADER_LENGTH || fileLength > size || generation < 0) {
            report.problem("impossible header: headerLength=" + headerLength + " fileLength=" + fileLength
                    + " actualLength=" + size + " generation=" + generation);
            return;
        }
        if ((generation & StoragePageLayout.SEALED) != 0) {
            // writers are locked out while we read, so no compaction is under way: its writer died
            // between sealing and renaming, and the next writer unseals the file
            report.note("sealed by a compaction that did not finish: the next writer unseals it");
        }
        int active = (int) (generation & 1);
        if (!slotFits(b, active, fileLength, true, report) || !slotFits(b, 1 - active, fileLength, false, report)) {
            return;
        }
        long offset = b.getLong(StoragePageLayout.slotOffsetField(active));
        long end = b.getLong(StoragePageLayout.slotEndField(active));
        Walk walk = new Walk();
        String problem = walk.records(b, offset, end);
        if (problem != null) {
            report.problem(problem);
            return;
        }
        report.summary(walk.keys.size() + (walk.keys.size() == 1 ? " key" : " keys") + ", version " + walk.version
                + ", generation " + (generation & ~StoragePageLayout.SEALED) + ", log " + end + " of "
                + b.getLong(StoragePageLayout.slotLengthField(active)) + " bytes, file " + size + " bytes, live "
                + b.getLong(StoragePageLayout.LIVE_BYTES_OFFSET) + " bytes");
    }

    /** Checks a slot descriptor lies within the file, after the header (the active one must hold a snapshot). */
    private static boolean slotFits(ByteBuffer b, int slot, long fileLength, boolean active, FileReport report) {
        long offset = b.getLong(StoragePageLayout.slotOffsetField(slot));
        long length = b.getLong(StoragePageLayout.slotLengthField(slot));
        long end = b.getLong(StoragePageLayout.slotEndField(slot));
        boolean fits = offset >= HEADER_LENGTH && length >= 0 && offset + length <= fileLength && end >= 0 && end <= length;
        if (fits && active) {
            fits = length >= RECORD_HEADER_LENGTH && end >= RECORD_HEADER_LENGTH;
        }
        if (!fits) {
            report.problem("impossible slot: slot=" + slot + (active ? " (active)" : "") + " offset=" + offset
                    + " length=" + length + " end=" + end + " fileLength=" + fileLength);
        }
        return fits;
    }

    /** The records of a slot, applied to a set of keys. */
    private final class Walk {
        private final Set<String> keys = new HashSet<>();
        private long version = -1;

        /** Reads the records in [0, end) of the slot at {@code offset}; returns the first problem, or null. */
        String records(ByteBuffer b, long offset, long end) {
            return StorageRecords.walk(b, offset, 0, end, (position, type, recordVersion, payload) -> {
                if (version >= 0 && recordVersion != version + 1) {
                    return "version out of order: position=" + position + " version=" + recordVersion
                            + " expected=" + (version + 1);
                }
                if (!apply(type, payload)) {
                    return "undecodable record: position=" + position + " type=" + type;
                }
                version = recordVersion;
                return null;
            });
        }

        private boolean apply(int type, byte[] payload) {
            JsonNode node;
            try {
                node = mapper.readTree(payload);
            } catch (IOException e) {
                return false;
            }
            if (node == null || !node.isObject()) {
                return false;
            }
            if (type == TYPE_SNAPSHOT) {
                keys.clear();
                node.fieldNames().forEachRemaining(keys::add);
                return true;
            }
            JsonNode key = node.get("k");
            if (key == null || !key.isTextual() || type == TYPE_SET && !node.has("v")) {
                return false;
            }
            if (type == TYPE_SET) {
                keys.add(key.asText());
            } else {
                keys.remove(key.asText());
            }
            return true;
        }
    }
}
