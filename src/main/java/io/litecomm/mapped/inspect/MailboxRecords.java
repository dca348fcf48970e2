package io.litecomm.mapped.inspect;

import static io.litecomm.mapped.inspect.MailboxLayout.RECORD_ALIGNMENT;
import static io.litecomm.mapped.inspect.MailboxLayout.RECORD_HEADER_LENGTH;
import static io.litecomm.mapped.inspect.MailboxLayout.RECORD_LENGTH_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.RECORD_TAG_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.RECORD_TYPE_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.TYPE_MESSAGE;
import static io.litecomm.mapped.inspect.MailboxLayout.TYPE_PADDING;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Records that prove themselves, for reading a damaged ring ({@code litecomm salvage},
 * {@code docs/FORMAT.md} 8.1). A committed record at position {@code p} carries its own position
 * twice: the tag is {@code p + 1} (64 bits) and the upper 24 bits of the check word hash
 * {@code p} and the length. So a record can be recognised at any 16-byte boundary without
 * trusting the counters or the chain of records before it: random bytes, zeroes, stale records of
 * an earlier lap and old payload bytes all fail the tag unless they hold exactly {@code p + 1}.
 *
 * <p>Reads are plain: this is for a file nobody is writing (or whose writers are stuck behind the
 * damage), not for the live protocol of the mailbox ({@link MailboxReader} reads a live file).
 * {@link #nextPosition} is the one rule of a committed record's type and length, for both.
 */
public final class MailboxRecords {

    private MailboxRecords() {
    }

    /**
     * A record that proved itself.
     *
     * @param type {@link MailboxLayout#TYPE_MESSAGE} or {@link MailboxLayout#TYPE_PADDING}
     * @param position its position
     * @param length its length field
     * @param next the position of the record after it
     */
    public record Found(int type, long position, int length, long next) {
        /**
         * Whether it is a message (else padding).
         *
         * @return {@code true} for a message
         */
        public boolean message() {
            return type == TYPE_MESSAGE;
        }
    }

    /**
     * The record at a position if it proves itself: tag, check word, and a length that fits the
     * ring (a message no longer than the maximum and not running past the ring's end, padding a
     * multiple of 16 that fits).
     *
     * @param file the whole file, from offset 0
     * @param position a position, a multiple of 16
     * @param header the file's header
     * @return the record, or {@code null}
     */
    public static Found at(ByteBuffer file, long position, MailboxHeader header) {
        if (position < 0 || (position & (RECORD_ALIGNMENT - 1)) != 0) {
            return null;
        }
        int capacity = header.capacity();
        int offset = (int) (position & (capacity - 1));
        int base = MailboxLayout.recordOffset(offset);
        ByteBuffer b = file.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.getLong(base + RECORD_TAG_OFFSET) != MailboxLayout.tagOf(position)) {
            return null;
        }
        int length = b.getInt(base + RECORD_LENGTH_OFFSET);
        int check = b.getInt(base + RECORD_TYPE_OFFSET);
        int type = MailboxLayout.typeOf(check);
        if (check != MailboxLayout.checkWord(type, position, length)) {
            return null;
        }
        long next = nextPosition(type, position, length, header.maxMessage(), capacity);
        return next < 0 ? null : new Found(type, position, length, next);
    }

    /**
     * Where the record after a committed one starts, by the rules of its type and length: a
     * message no longer than the maximum that does not run past the ring's end; padding a multiple
     * of 16 that fits before the ring's end.
     *
     * @param type the record's type
     * @param position its position
     * @param length its length field
     * @param maxMessage the channel's largest message
     * @param capacity ring capacity
     * @return the next record's position, or -1 if type or length break the rules
     */
    public static long nextPosition(int type, long position, int length, int maxMessage, int capacity) {
        int offset = (int) (position & (capacity - 1));
        if (length < 0) {
            return -1;
        }
        if (type == TYPE_MESSAGE && length <= maxMessage && offset + (long) MailboxLayout.frameLength(length) <= capacity) {
            return position + MailboxLayout.frameLength(length);
        }
        if (type == TYPE_PADDING && (length & (RECORD_ALIGNMENT - 1)) == 0
                && offset + RECORD_HEADER_LENGTH + (long) length <= capacity) {
            return position + RECORD_HEADER_LENGTH + length;
        }
        return -1;
    }

    /**
     * The first record after a damaged position that proves itself: the scan of 16-byte
     * boundaries in {@code (from, to)}.
     *
     * @param file the whole file
     * @param from the damaged position
     * @param to where to stop looking (exclusive)
     * @param header the file's header
     * @return the record, or {@code null} if none does before {@code to}
     */
    public static Found next(ByteBuffer file, long from, long to, MailboxHeader header) {
        for (long position = from + RECORD_ALIGNMENT; position < to; position += RECORD_ALIGNMENT) {
            Found found = at(file, position, header);
            if (found != null && found.next() <= to) {
                return found;
            }
        }
        return null;
    }

    /**
     * Copies a message's payload.
     *
     * @param file the whole file
     * @param found a message record
     * @param capacity the ring's capacity
     * @return its bytes
     */
    public static byte[] payload(ByteBuffer file, Found found, int capacity) {
        byte[] bytes = new byte[found.length()];
        int base = MailboxLayout.recordOffset((int) (found.position() & (capacity - 1)));
        file.get(base + RECORD_HEADER_LENGTH, bytes, 0, bytes.length);
        return bytes;
    }

    /**
     * The end of the newest record anywhere in the ring, found by the full scan: where the tail
     * must have been at least, for a file whose counters cannot be trusted.
     *
     * @param file the whole file
     * @param header the file's header
     * @return the largest record end, or -1 if no record proves itself
     */
    public static long newestEnd(ByteBuffer file, MailboxHeader header) {
        int capacity = header.capacity();
        ByteBuffer b = file.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long newest = -1;
        for (int offset = 0; offset < capacity; offset += RECORD_ALIGNMENT) {
            long position = b.getLong(MailboxLayout.recordOffset(offset) + RECORD_TAG_OFFSET) - 1;
            if (position >= 0 && (position & (capacity - 1)) == offset) {
                Found found = at(file, position, header);
                if (found != null && found.next() > newest) {
                    newest = found.next();
                }
            }
        }
        return newest;
    }
}
