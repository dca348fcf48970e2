package io.litecomm.mapped.mailbox;

import static io.litecomm.mapped.inspect.MailboxLayout.CLOSED_BIT;
import static io.litecomm.mapped.inspect.MailboxLayout.HEAD_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.RECORD_HEADER_LENGTH;
import static io.litecomm.mapped.inspect.MailboxLayout.RECORD_LENGTH_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.RECORD_TAG_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.RECORD_TYPE_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.TYPE_MESSAGE;
import static io.litecomm.mapped.inspect.MailboxLayout.TYPE_PADDING;

import io.litecomm.mapped.inspect.MailboxDamage;
import io.litecomm.mapped.inspect.MailboxLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;

/**
 * A mailbox's consumer side: reads the record at the head optimistically, copies it, and takes it
 * with a compare-and-set on the head; skips padding; tells stale bytes from damage; and, every 16th
 * empty poll, looks for damage and for a head stuck on a dead producer's claim.
 */
final class MailboxPoller {

    private static final VarHandle LONGS =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS =
            MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    /** Empty polls between two looks for a stuck head: a power of two minus one. */
    private static final int STUCK_CHECK_MASK = 15;
    private static final long ALIGN_MASK = MailboxLayout.RECORD_ALIGNMENT - 1;

    private final Mailbox mailbox;
    private final MappedByteBuffer buffer;
    private final MailboxFaults faults;
    private final StuckHeadRecovery stuck;
    private final int capacity;
    private final int mask;
    private final int maxMessage;
    /**
     * Empty polls, to look at the producers' tail line only every 16th. A lost or repeated increment
     * from a racing consumer moves that look by a few polls, never stops it (every thread keeps
     * counting from what it reads). An int: never torn.
     */
    private int emptyPolls;

    MailboxPoller(Mailbox mailbox, MappedByteBuffer buffer, MailboxFaults faults, StuckHeadRecovery stuck,
            int maxMessage) {
        this.mailbox = mailbox;
        this.buffer = buffer;
        this.faults = faults;
        this.stuck = stuck;
        this.capacity = mailbox.capacity();
        this.mask = capacity - 1;
        this.maxMessage = maxMessage;
    }

    /** Takes the record at the head, or returns {@code null} if none is committed there. */
    byte[] poll() {
        while (true) {
            long head = mailbox.headVolatile();
            if ((head & ALIGN_MASK) != 0) {
                throw faults.corrupt(MailboxDamage.counters(head, mailbox.tailPosition(), capacity));
            }
            int offset = (int) (head & mask);
            int base = MailboxLayout.recordOffset(offset);
            long tag = (long) LONGS.getAcquire(buffer, base + RECORD_TAG_OFFSET);
            if (tag != MailboxLayout.tagOf(head)) {
                // look at the producers' tail line only every 16th empty poll: reading it on every one
                // would pull it away from the producer that is about to claim
                if ((++emptyPolls & STUCK_CHECK_MASK) == 0) {
                    faults.checkShared();
                    if (stuck.enabled() && mailbox.tailPosition() > head) {
                        stuck.watch(head);
                    }
                }
                return null;
            }
            int length = (int) INTS.get(buffer, base + RECORD_LENGTH_OFFSET);
            int check = (int) INTS.get(buffer, base + RECORD_TYPE_OFFSET);
            int type = MailboxLayout.typeOf(check);
            if (check != MailboxLayout.checkWord(type, head, length)) {
                if (mailbox.tailPosition() <= head) {
                    return null; // stale bytes of an old payload in an empty ring, not a record
                }
                checkStillCorrupt(head, base, type, length);
                continue;
            }
            if (type == TYPE_PADDING && Mailbox.validPadding(offset, length, capacity)) {
                LONGS.compareAndSet(buffer, HEAD_OFFSET, head, head + RECORD_HEADER_LENGTH + length);
                continue;
            }
            if (type != TYPE_MESSAGE || length < 0 || length > maxMessage
                    || offset + MailboxLayout.frameLength(length) > capacity) {
                checkStillCorrupt(head, base, type, length);
                continue;
            }
            byte[] out = new byte[length];
            buffer.get(base + RECORD_HEADER_LENGTH, out, 0, length);
            if (LONGS.compareAndSet(buffer, HEAD_OFFSET, head, head + MailboxLayout.frameLength(length))) {
                return out;
            }
        }
    }

    /** A record looked impossible: it is corruption only if nobody has moved past it meanwhile. */
    private void checkStillCorrupt(long head, int base, int type, int length) {
        if (mailbox.headVolatile() == head
                && (long) LONGS.getAcquire(buffer, base + RECORD_TAG_OFFSET) == MailboxLayout.tagOf(head)) {
            throw faults.corrupt("impossible record: position=" + head + " offset=" + MailboxDamage.fileOffset(head, capacity)
                    + " type=" + type + " length=" + length + " maxMessage=" + maxMessage + " capacity=" + capacity);
        }
    }

    /**
     * Whether a poll would find a committed record at the head now, or the mailbox is closed, or
     * its head is off the record grid (which the poll reports): one or two reads of the mapping, no
     * write.
     *
     * @return {@code true} if a poll may take a message or see the close
     */
    boolean readable() {
        long head = mailbox.headVolatile();
        if ((head & ALIGN_MASK) != 0) {
            return true; // damage: the poll reports it (a misaligned read here would throw instead)
        }
        int base = MailboxLayout.recordOffset((int) (head & mask));
        return (long) LONGS.getAcquire(buffer, base + RECORD_TAG_OFFSET) == MailboxLayout.tagOf(head)
                || (mailbox.tailVolatile() & CLOSED_BIT) != 0;
    }

    /**
     * What an idle receiver does now and then instead of polling: look for damage and for a claim
     * left uncommitted by a dead producer (recovering it after the recovery bound).
     */
    void idleCheck() {
        long head = mailbox.headVolatile();
        faults.checkShared();
        if (stuck.enabled() && mailbox.tailPosition() > head) {
            int base = MailboxLayout.recordOffset((int) (head & mask));
            if ((long) LONGS.getAcquire(buffer, base + RECORD_TAG_OFFSET) != MailboxLayout.tagOf(head)) {
                stuck.watch(head);
            }
        }
    }
}
