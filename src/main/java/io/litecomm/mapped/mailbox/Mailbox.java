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

import io.litecomm.mapped.file.DomainDirectory;
import io.litecomm.mapped.file.FileKeys;
import io.litecomm.mapped.file.FileLocks;
import io.litecomm.mapped.inspect.MailboxHeader;
import io.litecomm.mapped.inspect.MailboxLayout;
import io.litecomm.spi.CorruptStorageException;
import io.litecomm.spi.MessageQueue;
import io.litecomm.spi.WaitMode;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * One mapped mailbox: a multi-producer, multi-consumer ring of length-prefixed records.
 *
 * <p>Producers claim space with a compare-and-set on the tail, write the payload, then publish the
 * record by storing its tag (position + 1) with release semantics. Consumers read the
 * record at the head optimistically, copy it, and take it with a compare-and-set on the head: the
 * copy is valid exactly when the head did not move, because producers never reuse space below the
 * head. Tags are full 64-bit positions, never reused, so a stale record cannot pass for a fresh one.
 * No system call and no lock on the message path.
 *
 * <p>This class keeps the message path (claim and write, poll, close) and the state it shares;
 * the other jobs have their own classes: {@link MailboxFaults} (the damage latch and length
 * checks), {@link StuckHeadRecovery} (a consumer stuck on a dead producer's claim),
 * {@link FullRing} (senders around a full ring), {@link MailboxCount} (messages waiting) and
 * {@link SleeperSlots} (receivers asleep on doorbells).
 */
public final class Mailbox implements MessageQueue, Wakeups {

    private final MailboxWaits waits;
    private final DomainDirectory domain;

    private static final VarHandle LONGS =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS =
            MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private static final VarHandle CACHED_HEAD;

    static {
        try {
            CACHED_HEAD = MethodHandles.lookup().findVarHandle(Mailbox.class, "cachedHead", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final Path file;
    private final MappedByteBuffer buffer;
    private final MailboxHeader header;
    private final int capacity;
    private final int mask;
    private final int maxMessage;
    private final Object fileKey;
    private final FileLocks.Handle locks;
    private final ProducerRegistry producers;
    private final MailboxFaults faults;
    private final StuckHeadRecovery stuck;
    private final MailboxCount count;
    private final SleeperSlots sleepers;
    private final FullRing fullRing;
    private final MailboxPoller poller;
    // Heuristic state (here, in FullRing, MailboxPoller, StuckHeadRecovery) is shared by this process's
    // threads in plain fields, not per thread (a ThreadLocal lookup per send or receive): each field
    // says why its race is benign.
    private static final long ALIGN_MASK = MailboxLayout.RECORD_ALIGNMENT - 1;
    /**
     * A recent head, read by producers instead of the consumers' contended head line while it shows
     * room. Opaque, so never torn; any value in it is a head some thread read, and heads only grow,
     * so a stale one (or an older one written back by a slower sender) is at most the real head: it
     * can only show less room than there is, and a claim that sees too little room reads the real
     * head before it reports the ring full.
     */
    private long cachedHead;

    /**
     * What the mailboxes of one domain share.
     *
     * @param directory the domain directory (its lock orders a delete before a peer's look at the file)
     * @param waits how callers wait and senders wake them
     * @param recoveryNanos the recovery bound for claims of dead producers; zero never recovers
     */
    record Shared(DomainDirectory directory, MailboxWaits waits, long recoveryNanos) {
    }

    Mailbox(String name, Path file, MappedByteBuffer buffer, MailboxHeader header, Object fileKey,
            FileLocks.Handle locks, Shared shared) {
        long recoveryNanos = shared.recoveryNanos();
        this.waits = shared.waits();
        this.domain = shared.directory();
        this.name = name;
        this.file = file;
        this.buffer = buffer;
        this.header = header;
        this.capacity = header.capacity();
        this.mask = capacity - 1;
        this.maxMessage = header.maxMessage();
        this.fileKey = fileKey;
        this.locks = locks;
        this.faults = new MailboxFaults(name, file, buffer, header, fileKey, locks);
        this.producers = new ProducerRegistry(buffer, locks, file.toString(), this::headVolatile);
        this.stuck = new StuckHeadRecovery(this, buffer, faults, producers, locks, recoveryNanos);
        this.count = new MailboxCount(buffer, faults, capacity, maxMessage);
        this.sleepers = new SleeperSlots(buffer);
        this.fullRing = new FullRing(faults, capacity);
        this.poller = new MailboxPoller(this, buffer, faults, stuck, maxMessage);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String location() {
        return file.toString();
    }

    @Override
    public String typeDescriptor() {
        return header.typeDescriptor();
    }

    @Override
    public int maxMessageLength() {
        return maxMessage;
    }

    /**
     * The ring capacity in bytes.
     *
     * @return capacity
     */
    public int capacity() {
        return capacity;
    }

    @Override
    public int offer(byte[] payload) {
        int length = payload.length;
        if (length > maxMessage) {
            throw new IllegalArgumentException("message too large: length=" + length + " max=" + maxMessage);
        }
        int frame = MailboxLayout.frameLength(length);
        if (isClosed()) {
            return CLOSED; // before the producer slot: a deleted channel's slot lock may be gone already
        }
        int entry = producers.acquireEntry();
        int result;
        try {
            result = claimAndWrite(payload, frame, entry);
        } catch (InternalError fault) {
            throw faults.truncated(fault);
        } finally {
            producers.releaseEntry(entry);
        }
        if (result == OFFERED) {
            wakeSleepers();
        }
        return result;
    }

    /** After a commit or the close: rings the receivers asleep on this mailbox, if any (rare). */
    private void wakeSleepers() {
        int sleepers = sleeperMask();
        if (sleepers != 0) {
            waits.ring(this, sleepers);
        }
    }

    @Override
    public void checkStorage(Error error) {
        if (error instanceof InternalError fault) {
            CorruptStorageException failure = faults.truncated(fault);
            if (faults.latched()) {
                throw failure;
            }
        }
    }

    @Override
    public void awaitReadable(long deadlineNanos, WaitMode mode) {
        waits.awaitReadable(this, deadlineNanos, mode);
    }

    @Override
    public void awaitWritable(int length, long deadlineNanos, WaitMode mode) {
        waits.awaitWritable(this, length, deadlineNanos, mode);
    }

    /**
     * Whether a claim for a payload of {@code length} bytes would find room now, or the mailbox is
     * closed (the same arithmetic as a claim).
     *
     * @param length the payload's length
     * @return {@code true} if an offer may succeed or see the close
     */
    boolean writable(int length) {
        long tail = tailVolatile();
        if ((tail & CLOSED_BIT) != 0) {
            return true;
        }
        int frame = MailboxLayout.frameLength(length);
        int toEnd = capacity - (int) (tail & mask);
        int required = frame <= toEnd ? frame : toEnd + frame;
        return tail + required - headVolatile() <= capacity;
    }

    /** Whether a poll may take a message or see the close now (see {@link MailboxPoller#readable()}). */
    boolean readable() {
        return poller.readable();
    }

    /** What an idle receiver does now and then instead of polling (see {@link MailboxPoller#idleCheck()}). */
    void idleCheck() {
        poller.idleCheck();
    }

    /**
     * What a sender waiting for room does now and then instead of claiming: look for damage, and at
     * the file's length (a waiting sender touches only the first page, so a cut file would go unseen).
     */
    void idleCheckWriter() {
        faults.checkShared();
        faults.checkPathLength();
    }

    private int claimAndWrite(byte[] payload, int frame, int entry) {
        int length = payload.length;
        while (true) {
            long tail = tailVolatile();
            if ((tail & CLOSED_BIT) != 0) {
                return CLOSED;
            }
            int offset = (int) (tail & mask);
            int toEnd = capacity - offset;
            int required = frame <= toEnd ? frame : toEnd + frame;
            long head = (long) CACHED_HEAD.getOpaque(this);
            long used = tail + required - head;
            // a head beyond the tail (used < required) or a tail off the record grid is damage
            if (used > capacity || used < required || (tail & ALIGN_MASK) != 0) {
                head = headVolatile();
                CACHED_HEAD.setOpaque(this, head);
                used = tail + required - head;
                if (used > capacity || used < required || (tail & ALIGN_MASK) != 0) {
                    if (fullRing.noRoom(used)) {
                        return FULL;
                    }
                    continue; // the head passed the tail read before it: read the tail again
                }
            }
            if (fullRing.waited()) {
                fullRing.endWait();
            }
            producers.record(entry, tail, tail + required);
            if (LONGS.compareAndSet(buffer, TAIL_OFFSET, tail, tail + required)) {
                long position = tail;
                if (frame > toEnd) {
                    writeRecord(buffer, offset, position, TYPE_PADDING, toEnd - RECORD_HEADER_LENGTH, null);
                    position += toEnd;
                    offset = 0;
                }
                writeRecord(buffer, offset, position, TYPE_MESSAGE, length, payload);
                producers.clear(entry);
                return OFFERED;
            }
            producers.clear(entry);
        }
    }

    /** Writes a record's payload, then its length and check word, then publishes its tag (release). */
    static void writeRecord(MappedByteBuffer buffer, int ringOffset, long position, int type, int length,
            byte[] payload) {
        int base = MailboxLayout.recordOffset(ringOffset);
        if (payload != null) {
            buffer.put(base + RECORD_HEADER_LENGTH, payload, 0, payload.length);
        }
        INTS.set(buffer, base + RECORD_LENGTH_OFFSET, length);
        INTS.set(buffer, base + RECORD_TYPE_OFFSET, MailboxLayout.checkWord(type, position, length));
        LONGS.setRelease(buffer, base + RECORD_TAG_OFFSET, MailboxLayout.tagOf(position));
    }

    @Override
    public byte[] poll() {
        try {
            return poller.poll();
        } catch (InternalError fault) {
            throw faults.truncated(fault);
        }
    }

    /** Whether a padding record of {@code length} at ring {@code offset} lies within the ring. */
    static boolean validPadding(int offset, int length, int capacity) {
        return length >= 0 && (length & (MailboxLayout.RECORD_ALIGNMENT - 1)) == 0
                && offset + RECORD_HEADER_LENGTH + length <= capacity;
    }

    @Override
    public boolean close() {
        while (true) {
            long tail = tailVolatile();
            if ((tail & CLOSED_BIT) != 0) {
                return false;
            }
            if (LONGS.compareAndSet(buffer, TAIL_OFFSET, tail, tail | CLOSED_BIT)) {
                wakeSleepers();
                return true;
            }
        }
    }

    @Override
    public boolean isClosed() {
        return (tailVolatile() & CLOSED_BIT) != 0;
    }

    @Override
    public boolean isClosedAndDrained() {
        long tail = tailVolatile();
        return (tail & CLOSED_BIT) != 0 && headVolatile() == (tail & ~CLOSED_BIT);
    }

    @Override
    public int size() {
        try {
            return count.count();
        } catch (InternalError fault) {
            throw faults.truncated(fault);
        }
    }

    /**
     * Current head position (consume counter).
     *
     * @return bytes consumed since creation
     */
    public long headPosition() {
        return headVolatile();
    }

    /**
     * Current tail position (claim counter), without the closed flag.
     *
     * @return bytes claimed since creation
     */
    public long tailPosition() {
        return tailVolatile() & ~CLOSED_BIT;
    }

    long tailVolatile() {
        faults.checkMapped();
        return (long) LONGS.getVolatile(buffer, TAIL_OFFSET);
    }

    long headVolatile() {
        faults.checkMapped();
        return (long) LONGS.getVolatile(buffer, HEAD_OFFSET);
    }

    @Override
    public boolean isReplaced() {
        // a delete closes the mailbox, then removes its file, holding the domain's lock: a peer woken
        // by that close looks at the file only once the delete is done, so it never finds the old file
        try {
            return domain.withLock(this::replacedOnDisk);
        } catch (RuntimeException closedDomain) {
            return replacedOnDisk();
        }
    }

    private boolean replacedOnDisk() {
        return FileKeys.replaced(file, fileKey);
    }

    @Override
    public int addSleeper(long bellId) {
        return sleepers.addSleeper(bellId);
    }

    @Override
    public void removeSleeper(int slot, long bellId) {
        sleepers.removeSleeper(slot, bellId);
    }

    @Override
    public int sleeperMask() {
        return sleepers.sleeperMask();
    }

    @Override
    public long sleeperAt(int slot) {
        return sleepers.sleeperAt(slot);
    }

    /**
     * Processes that hold a producer slot of this mailbox now.
     *
     * @return the count
     */
    public int liveProducers() {
        return producers.liveProducers();
    }

    @Override
    public void release() {
        producers.release();
        locks.close();
        // Java 17 cannot unmap: the mapping goes with the last reference to this object
    }

    @Override
    public String toString() {
        return "Mailbox[" + name + " " + file + "]";
    }
}
