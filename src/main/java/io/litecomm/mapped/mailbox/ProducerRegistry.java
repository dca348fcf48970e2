package io.litecomm.mapped.mailbox;

import static io.litecomm.mapped.inspect.MailboxLayout.CLAIM_ENTRIES;
import static io.litecomm.mapped.inspect.MailboxLayout.PRODUCER_SLOTS;
import static io.litecomm.mapped.inspect.MailboxLayout.claimEndOffset;
import static io.litecomm.mapped.inspect.MailboxLayout.claimStartOffset;

import io.litecomm.mapped.file.FileLocks;
import io.litecomm.mapped.inspect.MailboxLayout;
import io.litecomm.spi.TransportException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileLock;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * This process's producer slot in a mailbox, and the scan that tells a dead producer's claim from
 * a live one.
 *
 * <p>Before it claims space, a sending thread writes the claim (start and end position) into one
 * of the seven entries of its process's slot, and clears it after the record is committed. The
 * slot is owned by whoever holds the {@code FileLock} on byte {@code 2^40 + slot} of the file: the
 * OS releases it when the process dies, so "dead" is decided by the OS, never by a clock. A slot
 * whose entries still describe claims ahead of the head is not reused until they are resolved.
 */
final class ProducerRegistry {

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int ALL_ENTRIES = (1 << CLAIM_ENTRIES) - 1;

    private final MappedByteBuffer buffer;
    private final FileLocks.Handle locks;
    private final String location;
    private final LongSupplier head;
    private final AtomicInteger inUse = new AtomicInteger();
    private volatile int slot = -1;
    private FileLock slotLock;

    ProducerRegistry(MappedByteBuffer buffer, FileLocks.Handle locks, String location, LongSupplier head) {
        this.buffer = buffer;
        this.locks = locks;
        this.location = location;
        this.head = head;
    }

    /** Takes a free claim entry of this process's slot, acquiring the slot on first use. */
    int acquireEntry() {
        if (slot < 0) {
            acquireSlot();
        }
        while (true) {
            int used = inUse.get();
            if (used == ALL_ENTRIES) {
                Thread.onSpinWait();
                continue;
            }
            int entry = Integer.numberOfTrailingZeros(~used);
            if (inUse.compareAndSet(used, used | 1 << entry)) {
                return entry;
            }
        }
    }

    void releaseEntry(int entry) {
        int used;
        do {
            used = inUse.get();
        } while (!inUse.compareAndSet(used, used & ~(1 << entry)));
    }

    /** Records a claim about to be made; the CAS that makes it orders these stores before it. */
    void record(int entry, long start, long end) {
        LONGS.setOpaque(buffer, claimStartOffset(slot, entry), start);
        LONGS.setRelease(buffer, claimEndOffset(slot, entry), end);
    }

    /** The claim is committed or abandoned. */
    void clear(int entry) {
        LONGS.setRelease(buffer, claimEndOffset(slot, entry), 0L);
    }

    private synchronized void acquireSlot() {
        if (slot >= 0) {
            return;
        }
        for (int candidate = 0; candidate < PRODUCER_SLOTS; candidate++) {
            FileLock lock = locks.tryLockByte(candidate);
            if (lock == null) {
                continue;
            }
            if (hasUnresolvedClaims(candidate)) {
                releaseQuietly(lock);
                continue;
            }
            for (int entry = 0; entry < CLAIM_ENTRIES; entry++) {
                LONGS.setRelease(buffer, claimEndOffset(candidate, entry), 0L);
            }
            LONGS.setRelease(buffer, MailboxLayout.producerSlotOffset(candidate) + MailboxLayout.PRODUCER_PID_OFFSET,
                    ProcessHandle.current().pid());
            slotLock = lock;
            slot = candidate;
            return;
        }
        throw new TransportException("too many producer processes: file=" + location + " max=" + PRODUCER_SLOTS);
    }

    private boolean hasUnresolvedClaims(int candidate) {
        long consumed = head.getAsLong();
        for (int entry = 0; entry < CLAIM_ENTRIES; entry++) {
            long end = (long) LONGS.getAcquire(buffer, claimEndOffset(candidate, entry));
            if (end > consumed) {
                return true;
            }
        }
        return false;
    }

    /** What {@link #deadClaimCovering} returns when no claim at all, live or dead, covers the position. */
    static final long[] NO_CLAIM = {-2, -2, -2};

    /**
     * The claim of a dead producer covering {@code position}, for a consumer stuck there. Call
     * under the mailbox's writer lock.
     *
     * @param position the stuck head
     * @return {@code {slot, entry, end}} of the one dead claim covering it; {@code null} if a live
     *     producer covers it (wait); {@link #NO_CLAIM} if no claim does; {@code {-1, -1, -1}} if dead
     *     claims disagree
     */
    long[] deadClaimCovering(long position) {
        long[] found = null;
        for (int candidate = 0; candidate < PRODUCER_SLOTS; candidate++) {
            long[] covering = covering(candidate, position);
            if (covering == null) {
                continue;
            }
            if (isAlive(candidate)) {
                return null;
            }
            if (found != null && found[2] != covering[2]) {
                return new long[] {-1, -1, -1};
            }
            found = covering;
        }
        return found == null ? NO_CLAIM : found;
    }

    private long[] covering(int candidate, long position) {
        for (int entry = 0; entry < CLAIM_ENTRIES; entry++) {
            long end = (long) LONGS.getAcquire(buffer, claimEndOffset(candidate, entry));
            long start = (long) LONGS.getOpaque(buffer, claimStartOffset(candidate, entry));
            if (end != 0 && start <= position && position < end) {
                return new long[] {candidate, entry, end};
            }
        }
        return null;
    }

    private boolean isAlive(int candidate) {
        if (candidate == slot) {
            return true;
        }
        FileLock probe = locks.tryLockByte(candidate);
        if (probe == null) {
            return true;
        }
        releaseQuietly(probe);
        return false;
    }

    /** Clears a dead producer's entry once its claim is padded. */
    void clearDead(int deadSlot, int entry) {
        LONGS.setRelease(buffer, claimEndOffset(deadSlot, entry), 0L);
    }

    /**
     * Live producer processes: slots whose lock is held (by another process, or by this one).
     *
     * @return the count
     */
    int liveProducers() {
        int live = 0;
        for (int candidate = 0; candidate < PRODUCER_SLOTS; candidate++) {
            long pid = (long) LONGS.getAcquire(buffer, MailboxLayout.producerSlotOffset(candidate));
            if (pid != 0 && isAlive(candidate)) {
                live++;
            }
        }
        return live;
    }

    synchronized void release() {
        if (slotLock != null) {
            releaseQuietly(slotLock);
            slotLock = null;
        }
    }

    private static void releaseQuietly(FileLock lock) {
        try {
            lock.release();
        } catch (IOException e) {
            // its channel is closed, and the lock went with it
        }
    }
}
