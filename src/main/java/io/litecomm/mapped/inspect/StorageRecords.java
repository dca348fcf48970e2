package io.litecomm.mapped.inspect;

import static io.litecomm.mapped.inspect.StoragePageLayout.RECORD_CRC_OFFSET;
import static io.litecomm.mapped.inspect.StoragePageLayout.RECORD_HEADER_LENGTH;
import static io.litecomm.mapped.inspect.StoragePageLayout.RECORD_LENGTH_OFFSET;
import static io.litecomm.mapped.inspect.StoragePageLayout.RECORD_TYPE_OFFSET;
import static io.litecomm.mapped.inspect.StoragePageLayout.RECORD_VERSION_OFFSET;
import static io.litecomm.mapped.inspect.StoragePageLayout.TYPE_DELETE;
import static io.litecomm.mapped.inspect.StoragePageLayout.TYPE_SNAPSHOT;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Walks the records of a shared-memory page slot, checking each one's bounds, type and checksum
 * before its payload is allocated: the one reader of the record layout, for the page and for
 * inspection tools.
 */
public final class StorageRecords {

    private StorageRecords() {
    }

    /** Receives the records of a walk. */
    @FunctionalInterface
    public interface Visitor {
        /**
         * One checked record.
         *
         * @param position its position in the slot
         * @param type its type
         * @param version its version
         * @param payload its payload, checksum verified
         * @return a problem that ends the walk, or {@code null} to go on
         */
        String record(long position, int type, long version, byte[] payload);
    }

    /**
     * Walks the records in [from, end) of the slot starting at {@code slotOffset}.
     *
     * @param buffer the page, from offset 0
     * @param slotOffset the slot's offset in the page
     * @param from position of the first record
     * @param end the slot's log end
     * @param visitor receives each record
     * @return the first problem, or {@code null}
     */
    public static String walk(ByteBuffer buffer, long slotOffset, long from, long end, Visitor visitor) {
        ByteBuffer b = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long position = from;
        while (position < end) {
            int base = (int) (slotOffset + position);
            if (end - position < RECORD_HEADER_LENGTH) {
                return "truncated record: position=" + position + " end=" + end;
            }
            int length = b.getInt(base + RECORD_LENGTH_OFFSET);
            int type = b.getInt(base + RECORD_TYPE_OFFSET);
            long version = b.getLong(base + RECORD_VERSION_OFFSET);
            int crc = b.getInt(base + RECORD_CRC_OFFSET);
            if (length < 0 || length > end - position - RECORD_HEADER_LENGTH
                    || position + StoragePageLayout.frameLength(length) > end
                    || type < TYPE_SNAPSHOT || type > TYPE_DELETE || (type == TYPE_SNAPSHOT) != (position == 0)) {
                return "impossible record: position=" + position + " type=" + type + " length=" + length + " end=" + end;
            }
            byte[] payload = new byte[length];
            b.get(base + RECORD_HEADER_LENGTH, payload);
            CRC32C check = new CRC32C();
            check.update(payload);
            if ((int) check.getValue() != crc) {
                return "checksum mismatch: position=" + position + " type=" + type + " version=" + version;
            }
            String problem = visitor.record(position, type, version, payload);
            if (problem != null) {
                return problem;
            }
            position += StoragePageLayout.frameLength(length);
        }
        return null;
    }
}
