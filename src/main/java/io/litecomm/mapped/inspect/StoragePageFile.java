package io.litecomm.mapped.inspect;

import static io.litecomm.mapped.inspect.StoragePageLayout.FILE_LENGTH_OFFSET;
import static io.litecomm.mapped.inspect.StoragePageLayout.HEADER_LENGTH;
import static io.litecomm.mapped.inspect.StoragePageLayout.RECORD_HEADER_LENGTH;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The one validator of the shared-memory page's header and slot descriptors
 * ({@link StoragePageLayout}), for the page itself and for {@code litecomm check}.
 */
public final class StoragePageFile {

    private StoragePageFile() {
    }

    /**
     * Checks a page file's length before it is mapped.
     *
     * @param size the file's length
     * @param where the file, for messages
     * @throws CorruptFormatException if no page can have that length
     */
    public static void checkLength(long size, String where) {
        if (size == 0) {
            throw new CorruptFormatException(where, "empty file: length=0");
        }
        if (size < HEADER_LENGTH) {
            throw new CorruptFormatException(where, "truncated header: length=" + size + " expected>=" + HEADER_LENGTH);
        }
        if (size > Integer.MAX_VALUE) {
            throw new CorruptFormatException(where, "file too large: length=" + size);
        }
    }

    /**
     * Validates the fixed header fields of a mapped page: magic, version, header length, and a
     * file length and generation that can be.
     *
     * @param page the mapping, from offset 0
     * @param size the file's length
     * @param where the file, for messages
     * @throws CorruptFormatException naming the file and what is wrong
     */
    public static void checkHeader(ByteBuffer page, long size, String where) {
        ByteBuffer b = page.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        FormatCheck.magicAndVersion(b, StoragePageLayout.MAGIC, StoragePageLayout.FORMAT_MAJOR, where);
        int headerLength = b.getInt(StoragePageLayout.HEADER_LENGTH_OFFSET);
        long fileLength = b.getLong(FILE_LENGTH_OFFSET);
        long generation = b.getLong(StoragePageLayout.GENERATION_OFFSET);
        if (headerLength != HEADER_LENGTH || fileLength < HEADER_LENGTH || fileLength > size || generation < 0) {
            throw new CorruptFormatException(where, "impossible header: headerLength=" + headerLength + " fileLength="
                    + fileLength + " actualLength=" + size + " generation=" + generation);
        }
    }

    /**
     * What is wrong with a slot descriptor: it must lie within the file, after the header, and
     * its log end within the slot; the active slot holds at least its snapshot's record header.
     * Sums of values read from the file could wrap, so each bound is compared with a difference
     * of values already known to be in range.
     *
     * @param slot 0 or 1
     * @param active whether it is the active slot
     * @param offset its offset field
     * @param length its length field
     * @param end its log-end field
     * @param fileLength the header's file length
     * @param mapped bytes of the file mapped
     * @return the problem ({@code "impossible slot: ..."}), or {@code null}
     */
    public static String slotProblem(int slot, boolean active, long offset, long length, long end, long fileLength,
            long mapped) {
        long least = active ? RECORD_HEADER_LENGTH : 0;
        if (fileLength > mapped || offset < HEADER_LENGTH || offset > fileLength || length < least
                || length > fileLength - offset || end < least || end > length) {
            return "impossible slot: slot=" + slot + " offset=" + offset + " length=" + length + " end=" + end
                    + " fileLength=" + fileLength + " mapped=" + mapped + (active ? "" : " (inactive)");
        }
        return null;
    }
}
