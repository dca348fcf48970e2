package io.litecomm.mapped.inspect;

import static io.litecomm.mapped.inspect.MailboxLayout.CAPACITY_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.HEADER_LENGTH;
import static io.litecomm.mapped.inspect.MailboxLayout.HEADER_LENGTH_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.MAGIC;
import static io.litecomm.mapped.inspect.MailboxLayout.MAGIC_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.MAX_MESSAGE_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.RECORD_ALIGNMENT;
import static io.litecomm.mapped.inspect.MailboxLayout.VERSION_OFFSET;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The rules a mailbox's shared words must keep, worded as the problems {@code CorruptStorageException}
 * reports: the counters (head and tail, {@code docs/FORMAT.md} 2 "Positions") and the fixed header
 * fields, which no process ever changes after creation. Used at open ({@link MailboxFile}), by a
 * live mailbox off its hot path (a head that stays stuck, a channel that looks full, an idle
 * receiver) and by the command-line checker, so the three agree on what is damage.
 */
public final class MailboxDamage {

    private static final long ALIGN_MASK = RECORD_ALIGNMENT - 1;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private MailboxDamage() {
    }

    /**
     * What is wrong with a pair of counters, naming the field that breaks the rules.
     *
     * @param head the head position
     * @param tail the tail position, without the closed flag
     * @param capacity ring capacity
     * @return the problem ({@code "impossible counters: field=... ..."}), or {@code null} if they are possible
     */
    public static String counters(long head, long tail, int capacity) {
        String field;
        if (head < 0 || (head & ALIGN_MASK) != 0) {
            field = "head";
        } else if ((tail & ALIGN_MASK) != 0) {
            field = "tail";
        } else if (head > tail) {
            field = "head>tail";
        } else if (tail - head > capacity) {
            field = "tail-head>capacity";
        } else {
            return null;
        }
        return "impossible counters: field=" + field + " head=" + head + " tail=" + tail + " capacity=" + capacity;
    }

    /**
     * What is wrong with the fixed header fields of a mapped file compared with what was validated
     * when it was opened: someone wrote over the header of a live channel. Reads through the
     * little-endian views, without allocating: an idle receiver calls this often.
     *
     * @param mapped the mapping, from offset 0
     * @param opened the header as validated at open
     * @return the problem ({@code "header damaged while mapped: field=... expected=... actual=..."}), or
     *     {@code null} if the fields are unchanged
     */
    public static String header(ByteBuffer mapped, MailboxHeader opened) {
        long magic = (long) LONGS.get(mapped, MAGIC_OFFSET);
        if (magic != MAGIC) {
            return damaged("magic", "0x" + Long.toHexString(MAGIC), "0x" + Long.toHexString(magic));
        }
        int version = (int) INTS.get(mapped, VERSION_OFFSET);
        if (version != opened.version()) {
            return damaged("version", "0x" + Integer.toHexString(opened.version()), "0x" + Integer.toHexString(version));
        }
        int headerLength = (int) INTS.get(mapped, HEADER_LENGTH_OFFSET);
        if (headerLength != HEADER_LENGTH) {
            return damaged("headerLength", Integer.toString(HEADER_LENGTH), Integer.toString(headerLength));
        }
        int capacity = (int) INTS.get(mapped, CAPACITY_OFFSET);
        if (capacity != opened.capacity()) {
            return damaged("capacity", Integer.toString(opened.capacity()), Integer.toString(capacity));
        }
        int maxMessage = (int) INTS.get(mapped, MAX_MESSAGE_OFFSET);
        if (maxMessage != opened.maxMessage()) {
            return damaged("maxMessage", Integer.toString(opened.maxMessage()), Integer.toString(maxMessage));
        }
        return null;
    }

    private static String damaged(String field, String expected, String actual) {
        return "header damaged while mapped: field=" + field + " expected=" + expected + " actual=" + actual;
    }

    /**
     * The problem of a record at the head that stays uncommitted although no producer, live or
     * dead, has a claim covering it: the bytes of a committed record were overwritten.
     *
     * @param position the stuck head
     * @param capacity ring capacity
     * @param tag the tag found there
     * @param tail the tail position
     * @return the problem
     */
    public static String unclaimedRecord(long position, int capacity, long tag, long tail) {
        return "damaged record: position=" + position + " offset=" + fileOffset(position, capacity)
                + " tag=0x" + Long.toHexString(tag) + " expected=0x" + Long.toHexString(MailboxLayout.tagOf(position))
                + " tail=" + tail + " (not committed and claimed by no producer: bytes over an unread record;"
                + " 'litecomm salvage' copies the intact records after it)";
    }

    /**
     * File offset of the record at a position.
     *
     * @param position a record position
     * @param capacity ring capacity
     * @return the byte offset in the file
     */
    public static long fileOffset(long position, int capacity) {
        return MailboxLayout.recordOffset((int) (position & (capacity - 1)));
    }
}
