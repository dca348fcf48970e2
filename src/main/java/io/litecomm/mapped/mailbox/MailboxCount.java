package io.litecomm.mapped.mailbox;

import static io.litecomm.mapped.inspect.MailboxLayout.CLOSED_BIT;
import static io.litecomm.mapped.inspect.MailboxLayout.HEAD_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.RECORD_HEADER_LENGTH;
import static io.litecomm.mapped.inspect.MailboxLayout.RECORD_LENGTH_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.RECORD_TAG_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.RECORD_TYPE_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.TAIL_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.TYPE_MESSAGE;
import static io.litecomm.mapped.inspect.MailboxLayout.TYPE_PADDING;

import io.litecomm.mapped.inspect.MailboxLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;

/**
 * Counts the messages waiting in a mailbox by walking record headers from the head to the tail,
 * without taking any: a claimed record not yet committed counts as one message being written, and
 * a walk that raced with consumers starts again.
 */
final class MailboxCount {

    private static final VarHandle LONGS =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS =
            MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final MappedByteBuffer buffer;
    private final MailboxFaults faults;
    private final int capacity;
    private final int mask;
    private final int maxMessage;

    MailboxCount(MappedByteBuffer buffer, MailboxFaults faults, int capacity, int maxMessage) {
        this.buffer = buffer;
        this.faults = faults;
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.maxMessage = maxMessage;
    }

    /** Messages waiting; 0 if the walk kept racing with consumers. */
    int count() {
        for (int attempt = 0; attempt < 16; attempt++) {
            long head = headVolatile();
            faults.checkMapped();
            long tail = (long) LONGS.getVolatile(buffer, TAIL_OFFSET) & ~CLOSED_BIT;
            faults.checkShared();
            int count = countRecords(head, tail);
            if (count >= 0) {
                return count;
            }
        }
        return 0;
    }

    private long headVolatile() {
        faults.checkMapped();
        return (long) LONGS.getVolatile(buffer, HEAD_OFFSET);
    }

    /** Walks headers from head to tail; -1 if the walk raced with consumers and must restart. */
    private int countRecords(long head, long tail) {
        int count = 0;
        long position = head;
        while (position < tail) {
            int base = MailboxLayout.recordOffset((int) (position & mask));
            long tag = (long) LONGS.getAcquire(buffer, base + RECORD_TAG_OFFSET);
            if (tag != MailboxLayout.tagOf(position)) {
                // not yet committed: counts as one message still being written
                return headVolatile() > head ? -1 : count + 1;
            }
            int length = (int) INTS.get(buffer, base + RECORD_LENGTH_OFFSET);
            int type = MailboxLayout.typeOf((int) INTS.get(buffer, base + RECORD_TYPE_OFFSET));
            int offset = (int) (position & mask);
            if (type == TYPE_MESSAGE && length >= 0 && length <= maxMessage
                    && offset + MailboxLayout.frameLength(length) <= capacity) {
                count++;
                position += MailboxLayout.frameLength(length);
            } else if (type == TYPE_PADDING && Mailbox.validPadding(offset, length, capacity)) {
                position += RECORD_HEADER_LENGTH + length;
            } else {
                // an impossible record (receiving it reports the corruption): count up to it, never
                // step to a position that is not a record boundary
                return headVolatile() > head ? -1 : count;
            }
        }
        return headVolatile() > head ? -1 : count;
    }
}
