package io.litecomm.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A second reader of the three formats, written from {@code docs/FORMAT.md} alone and using none of
 * litecomm's classes: plain little-endian reads of a file nobody writes. If the document and the
 * files disagree, {@link GoldenFormatTest} fails here.
 */
final class DocumentReader {

    /** A mailbox record: {@code message} false for padding. */
    record MailboxRecord(long position, boolean message, String payload) {
    }

    /** A pub/sub record: {@code topic} null for padding. */
    record RingRecord(long position, long sequence, String topic, String payload) {
    }

    /** A storage page record. */
    record PageRecord(long position, int type, long version, String payload) {
    }

    private DocumentReader() {
    }

    private static ByteBuffer le(byte[] file) {
        return ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** FORMAT.md 2: the check word of a record. */
    static int checkWord(int type, long position, int length) {
        long mix = (position + 1) * 0x9E3779B97F4A7C15L ^ ((long) length * 0xC2B2AE3D27D4EB4FL);
        return (int) (mix >>> 32) & ~0xFF | type;
    }

    /** FORMAT.md 2 and 4.2: the records from head to tail, each proved by tag and check word. */
    static List<MailboxRecord> mailbox(byte[] file) {
        ByteBuffer b = le(file);
        int capacity = b.getInt(16);
        long head = b.getLong(640);
        long tail = b.getLong(512) & ~(1L << 63);
        List<MailboxRecord> records = new ArrayList<>();
        long position = head;
        while (position < tail) {
            int base = 8192 + (int) (position & (capacity - 1));
            if (b.getLong(base) != position + 1) {
                throw new IllegalStateException("uncommitted record: position=" + position);
            }
            int length = b.getInt(base + 8);
            int check = b.getInt(base + 12);
            int type = check & 0xFF;
            if (check != checkWord(type, position, length)) {
                throw new IllegalStateException("bad check word: position=" + position);
            }
            if (type == 2) {
                records.add(new MailboxRecord(position, false, null));
                position += 16 + length;
            } else {
                records.add(new MailboxRecord(position, true,
                        new String(file, base + 16, length, StandardCharsets.UTF_8)));
                position += (16 + length + 15) & ~15;
            }
        }
        return records;
    }

    /**
     * FORMAT.md 10: the oldest intact record after a wrap is the first 32-byte position
     * {@code p >= claim - capacity} whose tag is {@code p + 1} and from which the records chain
     * exactly to the tail.
     */
    static List<RingRecord> ring(byte[] file) {
        ByteBuffer b = le(file);
        int capacity = b.getInt(16);
        long claim = b.getLong(128);
        long tail = b.getLong(256);
        for (long start = Math.max(0, claim - capacity); start < tail; start += 32) {
            List<RingRecord> chain = chain(b, file, capacity, start, tail);
            if (chain != null) {
                return chain;
            }
        }
        return List.of();
    }

    private static List<RingRecord> chain(ByteBuffer b, byte[] file, int capacity, long start, long tail) {
        List<RingRecord> records = new ArrayList<>();
        long position = start;
        while (position < tail) {
            int offset = (int) (position & (capacity - 1));
            int base = 4096 + offset;
            if (b.getLong(base) != position + 1) {
                return null;
            }
            int length = b.getInt(base + 8);
            int topicLength = b.getInt(base + 12);
            long sequence = b.getLong(base + 16);
            if (topicLength == -1) {
                if (offset + 24 + length != capacity) {
                    return null;
                }
                records.add(new RingRecord(position, sequence, null, null));
                position += 24 + length;
                continue;
            }
            if (topicLength < 0 || length < 0 || offset + 24 + topicLength + length > capacity) {
                return null;
            }
            records.add(new RingRecord(position, sequence,
                    new String(file, base + 24, topicLength, StandardCharsets.UTF_8),
                    new String(file, base + 24 + topicLength, length, StandardCharsets.UTF_8)));
            position += (24 + topicLength + length + 31) & ~31;
        }
        return position == tail ? records : null;
    }

    /** FORMAT.md 9: the records of the active slot, up to its log end (a length from the slot's start). */
    static List<PageRecord> page(byte[] file) {
        ByteBuffer b = le(file);
        long generation = b.getLong(16) & ~(1L << 62);
        int slot = (int) (generation & 1);
        long slotOffset = b.getLong(32 + 24 * slot);
        long logEnd = b.getLong(32 + 24 * slot + 16);
        List<PageRecord> records = new ArrayList<>();
        long position = 0;
        while (position < logEnd) {
            int base = (int) (slotOffset + position);
            int length = b.getInt(base);
            int type = b.getInt(base + 4);
            long version = b.getLong(base + 8);
            int crc = b.getInt(base + 16);
            CRC32C check = new CRC32C();
            check.update(file, base + 24, length);
            if ((int) check.getValue() != crc) {
                throw new IllegalStateException("checksum mismatch: position=" + position);
            }
            records.add(new PageRecord(position, type, version, new String(file, base + 24, length, StandardCharsets.UTF_8)));
            position += (24 + length + 7) & ~7;
        }
        return records;
    }
}
