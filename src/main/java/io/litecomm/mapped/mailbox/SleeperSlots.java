package io.litecomm.mapped.mailbox;

import io.litecomm.mapped.inspect.MailboxLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;

/**
 * The sleeper table in a mailbox header: a bit mask of taken slots and, per slot, the id of the
 * doorbell a receiver sleeps on. Receivers take a slot before they sleep and give it back when they
 * wake; senders that find the mask non-zero ring the bells it names.
 */
final class SleeperSlots implements Wakeups {

    private static final VarHandle LONGS =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS =
            MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private final MappedByteBuffer buffer;

    SleeperSlots(MappedByteBuffer buffer) {
        this.buffer = buffer;
    }

    @Override
    public int addSleeper(long bellId) {
        while (true) {
            int mask = (int) INTS.getVolatile(buffer, MailboxLayout.SLEEPER_MASK_OFFSET);
            int free = Integer.numberOfTrailingZeros(~mask);
            if (free >= MailboxLayout.BELL_SLOTS) {
                return -1;
            }
            if (INTS.compareAndSet(buffer, MailboxLayout.SLEEPER_MASK_OFFSET, mask, mask | 1 << free)) {
                LONGS.setVolatile(buffer, MailboxLayout.bellOffset(free), bellId);
                return free;
            }
        }
    }

    @Override
    public void removeSleeper(int slot, long bellId) {
        if (LONGS.compareAndSet(buffer, MailboxLayout.bellOffset(slot), bellId, 0L)) {
            int mask;
            do {
                mask = (int) INTS.getVolatile(buffer, MailboxLayout.SLEEPER_MASK_OFFSET);
            } while (!INTS.compareAndSet(buffer, MailboxLayout.SLEEPER_MASK_OFFSET, mask, mask & ~(1 << slot)));
        }
    }

    @Override
    public int sleeperMask() {
        VarHandle.fullFence();
        // only the BELL_SLOTS low bits name bell slots: a stray higher bit must never make a sender
        // read (and clear) a "bell" inside the producer table or the ring
        return (int) INTS.getVolatile(buffer, MailboxLayout.SLEEPER_MASK_OFFSET) & ((1 << MailboxLayout.BELL_SLOTS) - 1);
    }

    @Override
    public long sleeperAt(int slot) {
        return (long) LONGS.getVolatile(buffer, MailboxLayout.bellOffset(slot));
    }
}
