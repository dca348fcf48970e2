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

import io.litecomm.mapped.file.FileLocks;
import io.litecomm.mapped.inspect.MailboxDamage;
import io.litecomm.mapped.inspect.MailboxHeader;
import io.litecomm.mapped.inspect.MailboxLayout;
import io.litecomm.spi.CorruptStorageException;
import io.litecomm.spi.MessageQueue;
import io.litecomm.spi.WaitMode;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mapped mailbox: a multi-producer, multi-consumer ring of length-prefixed records.
 *
 * <p>Producers claim space with a compare-and-set on the tail, write the payload, then publish the
 * record by storing its tag (position + 1) with release semantics. Consumers read the
 * record at the head optimistically, copy it, and take it with a compare-and-set on the head: the
 * copy is valid exactly when the head did not move, because producers never reuse space below the
 * head. Tags are full 64-bit positions, never reused, so a stale record cannot pass for a fresh one.
 * No system call and no lock on the message path.
 */
public final class Mailbox implements MessageQueue, Wakeups {

    private final MailboxWaits waits;

    private static final VarHandle LONGS =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS =
            MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private static final Logger LOG = LoggerFactory.getLogger(Mailbox.class);
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
    private final long recoveryNanos;
    /** Head position a consumer found stuck on an uncommitted record, and since when (nanoTime). */
    private long stuckHead = -1;
    private int emptyPolls;
    /** Empty polls between two looks for a stuck head: a power of two minus one. */
    private static final int STUCK_CHECK_MASK = 15;
    private static final long ALIGN_MASK = MailboxLayout.RECORD_ALIGNMENT - 1;
    /** Full polls between two looks at the file's length: a power of two minus one. */
    private static final int FULL_LENGTH_CHECK_MASK = 63;
    private int fullPolls;
    /**
     * When (nanoTime) sends began to find the ring full; 0 while they find room. A sender that
     * waited on a full ring may be cold (interpreted), and if the file was truncated meanwhile its
     * reads return garbage that can look like room; the JVM turns a fault in an interpreted
     * compare-and-set into a crash, not an {@code InternalError} (docs/FORMAT.md 8). So the first
     * claim after a wait longer than {@link #LONG_WAIT_NANOS} looks at the file's length first.
     */
    private long fullSince;
    /** A wait on a full ring after which the next claim checks the file's length (one stat). */
    private static final long LONG_WAIT_NANOS = 50_000;
    private long stuckSince;
    /** A recent head, read by producers instead of the consumers' contended head line while it shows room. */
    private long cachedHead;
    /** The stuck head whose file length was last checked. */
    private long lengthCheckedAt = -1;
    /** How long a head stays stuck before the file's length is checked. */
    private static final long LENGTH_CHECK_NANOS = 1_000_000;
    /**
     * Set when a mapped access faulted or the file was found damaged: the problem every later
     * operation reports, without touching the mapping again.
     */
    private volatile String damage;

    Mailbox(String name, Path file, MappedByteBuffer buffer, MailboxHeader header, Object fileKey,
            FileLocks.Handle locks, long recoveryNanos, MailboxWaits waits) {
        this.waits = waits;
        this.name = name;
        this.file = file;
        this.buffer = buffer;
        this.header = header;
        this.capacity = header.capacity();
        this.mask = capacity - 1;
        this.maxMessage = header.maxMessage();
        this.fileKey = fileKey;
        this.locks = locks;
        this.recoveryNanos = recoveryNanos;
        this.producers = new ProducerRegistry(buffer, locks, file.toString(), this::headVolatile);
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
            throw truncated(fault);
        } finally {
            producers.releaseEntry(entry);
        }
        if (result == OFFERED) {
            int sleepers = sleeperMask();
            if (sleepers != 0) {
                waits.ring(this, sleepers);
            }
        }
        return result;
    }

    @Override
    public void checkStorage(Error error) {
        if (error instanceof InternalError fault) {
            CorruptStorageException failure = truncated(fault);
            if (damage != null) {
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
     * Whether a poll would find a committed record at the head now, or the mailbox is closed: one
     * or two reads of the mapping, no write.
     *
     * @return {@code true} if a poll may take a message or see the close
     */
    boolean readable() {
        long head = headVolatile();
        int base = MailboxLayout.recordOffset((int) (head & mask));
        return (long) LONGS.getAcquire(buffer, base + RECORD_TAG_OFFSET) == MailboxLayout.tagOf(head)
                || (tailVolatile() & CLOSED_BIT) != 0;
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

    /**
     * What an idle receiver does now and then instead of polling: look for damage and for a claim
     * left uncommitted by a dead producer (recovering it after the recovery bound).
     */
    void idleCheck() {
        long head = headVolatile();
        checkShared();
        if (recoveryNanos > 0 && tailPosition() > head) {
            int base = MailboxLayout.recordOffset((int) (head & mask));
            if ((long) LONGS.getAcquire(buffer, base + RECORD_TAG_OFFSET) != MailboxLayout.tagOf(head)) {
                watchStuck(head);
            }
        }
    }

    /**
     * A mapped access faulted (SIGBUS, which the JVM reports as {@code InternalError}): someone
     * truncated the file under the mapping. Reported as corruption naming the file.
     */
    private CorruptStorageException truncated(InternalError fault) {
        long length;
        try {
            length = Files.size(file);
        } catch (IOException e) {
            length = -1;
        }
        long expected = MailboxLayout.fileLength(capacity);
        if (length < 0 || length >= expected) {
            // The file is whole (or gone, which leaves the mapping valid): the JVM reported, late, a
            // fault on another mapping while this one ran. Not latched: this file is intact.
            return new CorruptStorageException(file.toString(), "mapping fault reported while this file is intact"
                    + " (a late report of a fault on another mapping): length=" + length + " expected=" + expected, fault);
        }
        return latchTruncation(length, fault);
    }

    /** Latches a truncation to {@code length} bytes: this and every later operation fails with it. */
    private CorruptStorageException latchTruncation(long length, InternalError fault) {
        String problem = "file truncated while mapped: length=" + length + " expected=" + MailboxLayout.fileLength(capacity);
        damage = problem;
        return new CorruptStorageException(file.toString(), problem, fault);
    }

    /** Latches a problem: this and every later operation fails with it. */
    private CorruptStorageException corrupt(String problem) {
        if (damage == null) {
            damage = problem;
            LOG.error("channel file is damaged: channel={} problem={} file={}", name, problem, file);
        }
        return new CorruptStorageException(file.toString(), problem);
    }

    /**
     * Looks at the shared words a peer could have damaged: the fixed header fields and the counters.
     * Off the hot path only (an idle or stuck receiver, a sender that finds no room, a count).
     */
    private void checkShared() {
        String problem = MailboxDamage.header(buffer, header);
        if (problem != null) {
            throw corrupt(problem);
        }
        // a consistent pair: the head read while the tail stood still (both only grow)
        for (int attempt = 0; attempt < 8; attempt++) {
            long tail = tailPosition();
            long head = headVolatile();
            if (tailPosition() == tail) {
                problem = MailboxDamage.counters(head, tail, capacity);
                if (problem != null) {
                    throw corrupt(problem);
                }
                return;
            }
        }
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
                    if (noRoom(used)) {
                        return FULL;
                    }
                    continue; // the head passed the tail read before it: read the tail again
                }
            }
            if (fullSince != 0) {
                endWait();
            }
            producers.record(entry, tail, tail + required);
            if (LONGS.compareAndSet(buffer, TAIL_OFFSET, tail, tail + required)) {
                long position = tail;
                if (frame > toEnd) {
                    writeRecord(offset, position, TYPE_PADDING, toEnd - RECORD_HEADER_LENGTH, null);
                    position += toEnd;
                    offset = 0;
                }
                writeRecord(offset, position, TYPE_MESSAGE, length, payload);
                producers.clear(entry);
                return OFFERED;
            }
            producers.clear(entry);
        }
    }

    /**
     * The slow path of a claim that found no room, or counters no sender could have written (which
     * {@link #checkShared} reports): kept out of {@link #claimAndWrite} so the hot path stays small
     * enough to inline.
     *
     * @return {@code true} if the ring is full, {@code false} if the tail must be read again
     */
    private boolean noRoom(long used) {
        checkShared();
        if (used <= capacity) {
            return false;
        }
        if ((++fullPolls & FULL_LENGTH_CHECK_MASK) == 0) {
            checkPathLength(); // a sender blocked on a full ring touches only the first page
        }
        if (fullSince == 0) {
            fullSince = System.nanoTime() | 1;
        }
        return true;
    }

    /** The first claim after the ring was full: after a long wait, the file's length first. */
    private void endWait() {
        if (System.nanoTime() - fullSince > LONG_WAIT_NANOS) {
            checkPathLength();
        }
        fullSince = 0;
    }

    private void writeRecord(int ringOffset, long position, int type, int length, byte[] payload) {
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
            return pollRecord();
        } catch (InternalError fault) {
            throw truncated(fault);
        }
    }

    private byte[] pollRecord() {
        while (true) {
            long head = headVolatile();
            if ((head & ALIGN_MASK) != 0) {
                throw corrupt(MailboxDamage.counters(head, tailPosition(), capacity));
            }
            int offset = (int) (head & mask);
            int base = MailboxLayout.recordOffset(offset);
            long tag = (long) LONGS.getAcquire(buffer, base + RECORD_TAG_OFFSET);
            if (tag != MailboxLayout.tagOf(head)) {
                // look at the producers' tail line only every 16th empty poll: reading it on every one
                // would pull it away from the producer that is about to claim
                if ((++emptyPolls & STUCK_CHECK_MASK) == 0) {
                    checkShared();
                    if (recoveryNanos > 0 && tailPosition() > head) {
                        watchStuck(head);
                    }
                }
                return null;
            }
            int length = (int) INTS.get(buffer, base + RECORD_LENGTH_OFFSET);
            int check = (int) INTS.get(buffer, base + RECORD_TYPE_OFFSET);
            int type = MailboxLayout.typeOf(check);
            if (check != MailboxLayout.checkWord(type, head, length)) {
                if (tailPosition() <= head) {
                    return null; // stale bytes of an old payload in an empty ring, not a record
                }
                checkStillCorrupt(head, base, type, length);
                continue;
            }
            if (type == TYPE_PADDING && validPadding(offset, length)) {
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

    /**
     * The record at {@code head} is claimed but not committed. If that lasts longer than the
     * recovery bound, look for a dead claimant and pad its claim so consumers can move on.
     */
    private void watchStuck(long head) {
        long now = System.nanoTime();
        if (head != stuckHead) {
            stuckHead = head;
            stuckSince = now;
            return;
        }
        if (lengthCheckedAt != head && now - stuckSince >= Math.min(recoveryNanos, LENGTH_CHECK_NANOS)) {
            lengthCheckedAt = head;
            checkLength();
        }
        if (now - stuckSince >= recoveryNanos) {
            stuckSince = now;
            recover(head);
        }
    }

    /**
     * A head that stays stuck may sit on pages a peer cut off by truncating the file: reads there
     * fault, and the JVM may report that only later. So a stuck head is a reason to look at the
     * file's length (one system call per stuck position).
     */
    private void checkLength() {
        long length = locks.size();
        if (length < MailboxLayout.fileLength(capacity)) {
            throw latchTruncation(length, null);
        }
    }

    /**
     * The file's length by its path (a {@code stat}, no descriptor, no I/O thread): cheap enough for
     * a sender that waited. Only the file this mailbox mapped counts; if the name now refers to
     * another file (deleted and re-created), or to none, the mapping is intact and nothing is said.
     */
    private void checkPathLength() {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return;
        }
        if (attributes.size() < MailboxLayout.fileLength(capacity) && fileKey != null
                && fileKey.equals(attributes.fileKey())) {
            throw latchTruncation(attributes.size(), null);
        }
    }

    @SuppressWarnings("try") // the resource is a held lock: holding it is the point
    private void recover(long head) {
        try (FileLocks.Held held = locks.lock()) {
            int base = MailboxLayout.recordOffset((int) (head & mask));
            if (headVolatile() != head || (long) LONGS.getAcquire(buffer, base + RECORD_TAG_OFFSET)
                    == MailboxLayout.tagOf(head)) {
                return;
            }
            long[] dead = producers.deadClaimCovering(head);
            if (dead == ProducerRegistry.NO_CLAIM) {
                unclaimed(head, base);
                return;
            }
            if (dead == null) {
                return;
            }
            if (dead[0] < 0) {
                LOG.error("cannot recover: several dead producers claim the stuck position: channel={} position={} file={}",
                        name, head, file);
                return;
            }
            long end = dead[2];
            long tail = tailPosition();
            if (end > tail || (end & (MailboxLayout.RECORD_ALIGNMENT - 1)) != 0) {
                // claims are made by moving the tail, which never goes back: the entry of the claim
                // that blocks the head is missing, and this one was never a claim at all
                throw corrupt("impossible producer claim: position=" + head
                        + " end=" + end + " tail=" + tail + " slot=" + dead[0] + " entry=" + dead[1]);
            }
            padRegion(head, end);
            producers.clearDead((int) dead[0], (int) dead[1]);
            LOG.warn("recovered a message claimed by a dead producer: channel={} from={} to={} file={}",
                    name, head, dead[2], file);
        }
    }

    /**
     * No producer, live or dead, claims the uncommitted record at the stuck head. Every claim is
     * recorded in the producer table before the tail moves over it and cleared only after its
     * tag is stored, so once the table shows none, a record that is still uncommitted was never
     * going to be: its tag was overwritten. Re-read after the table, so a commit that cleared its
     * entry meanwhile is seen.
     */
    private void unclaimed(long head, int base) {
        long tag = (long) LONGS.getAcquire(buffer, base + RECORD_TAG_OFFSET);
        if (headVolatile() == head && tag != MailboxLayout.tagOf(head)) {
            throw corrupt(MailboxDamage.unclaimedRecord(head, capacity, tag, tailPosition()));
        }
    }

    /** Fills [from, to) with padding records, split at the ring's end. */
    private void padRegion(long from, long to) {
        long position = from;
        while (position < to) {
            int offset = (int) (position & mask);
            int length = (int) Math.min(to - position, capacity - offset);
            writeRecord(offset, position, TYPE_PADDING, length - RECORD_HEADER_LENGTH, null);
            position += length;
        }
    }

    private boolean validPadding(int offset, int length) {
        return length >= 0 && (length & (MailboxLayout.RECORD_ALIGNMENT - 1)) == 0
                && offset + RECORD_HEADER_LENGTH + length <= capacity;
    }

    /** A record looked impossible: it is corruption only if nobody has moved past it meanwhile. */
    private void checkStillCorrupt(long head, int base, int type, int length) {
        if (headVolatile() == head
                && (long) LONGS.getAcquire(buffer, base + RECORD_TAG_OFFSET) == MailboxLayout.tagOf(head)) {
            throw corrupt("impossible record: position=" + head + " offset=" + MailboxDamage.fileOffset(head, capacity)
                    + " type=" + type + " length=" + length + " maxMessage=" + maxMessage + " capacity=" + capacity);
        }
    }

    @Override
    public boolean close() {
        while (true) {
            long tail = tailVolatile();
            if ((tail & CLOSED_BIT) != 0) {
                return false;
            }
            if (LONGS.compareAndSet(buffer, TAIL_OFFSET, tail, tail | CLOSED_BIT)) {
                int sleepers = sleeperMask();
                if (sleepers != 0) {
                    waits.ring(this, sleepers);
                }
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
            return countMessages();
        } catch (InternalError fault) {
            throw truncated(fault);
        }
    }

    private int countMessages() {
        for (int attempt = 0; attempt < 16; attempt++) {
            long head = headVolatile();
            long tail = tailVolatile() & ~CLOSED_BIT;
            checkShared();
            int count = countRecords(head, tail);
            if (count >= 0) {
                return count;
            }
        }
        return 0;
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
            } else if (type == TYPE_PADDING && validPadding(offset, length)) {
                position += RECORD_HEADER_LENGTH + length;
            } else {
                // an impossible record (receiving it reports the corruption): count up to it, never
                // step to a position that is not a record boundary
                return headVolatile() > head ? -1 : count;
            }
        }
        return headVolatile() > head ? -1 : count;
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

    private long tailVolatile() {
        checkMapped();
        return (long) LONGS.getVolatile(buffer, TAIL_OFFSET);
    }

    private long headVolatile() {
        checkMapped();
        return (long) LONGS.getVolatile(buffer, HEAD_OFFSET);
    }

    /**
     * Once a mapped access has faulted, every later operation fails the same way before touching the
     * mapping again: the JVM reports a fault asynchronously ("in a recent unsafe memory access"), so a
     * second fault could surface outside any handler as a bare {@code InternalError}.
     */
    private void checkMapped() {
        String problem = damage;
        if (problem != null) {
            throw new CorruptStorageException(file.toString(), problem);
        }
    }

    @Override
    public boolean isReplaced() {
        try {
            Object current = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return fileKey == null || !fileKey.equals(current);
        } catch (IOException e) {
            return true;
        }
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
