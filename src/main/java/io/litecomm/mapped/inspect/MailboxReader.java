package io.litecomm.mapped.inspect;

import static io.litecomm.mapped.inspect.MailboxLayout.CLOSED_BIT;
import static io.litecomm.mapped.inspect.MailboxLayout.HEADER_LENGTH;
import static io.litecomm.mapped.inspect.MailboxLayout.RECORD_HEADER_LENGTH;
import static io.litecomm.mapped.inspect.MailboxLayout.RECORD_LENGTH_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.RECORD_TAG_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.RECORD_TYPE_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.TYPE_MESSAGE;
import static io.litecomm.mapped.inspect.MailboxLayout.TYPE_PADDING;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A live mailbox file read without taking part: the header, the counters, the records between
 * head and tail, and which producer slots are held by live processes. Nothing here writes to the
 * file or takes a lock that a litecomm process waits for: liveness is probed with a lock taken and
 * released at once on a producer slot's lock byte (it fails while the owner holds it). The file is
 * read through this JVM's shared channel ({@link InspectedFile}), so a process that uses the
 * channel may inspect it without losing its locks.
 *
 * <p>Records are read as in {@code docs/FORMAT.md} section 4.2, without taking them: a record is
 * read only if its tag is committed, and a copy is trusted only if the tail has not since come
 * within one capacity of it (producers never write further ahead than that).
 */
public final class MailboxReader implements AutoCloseable {

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** What a position of the ring holds. */
    public enum Kind {
        /** The position is at or past the tail: nothing there yet. */
        END,
        /** Claimed by a producer, not committed yet (being written, or left by a dead producer). */
        PENDING,
        /** A committed message. */
        MESSAGE,
        /** A committed padding record: skipped. */
        PADDING,
        /** Producers have lapped the position: its record is gone. */
        OVERWRITTEN,
        /** A committed record that breaks the format. */
        CORRUPT
    }

    /**
     * What {@link #peek} found.
     *
     * @param kind what it is
     * @param position where
     * @param next where the next record starts (messages and padding)
     * @param length the length field
     * @param payload the message bytes, if asked for
     * @param problem what is wrong, for {@link Kind#CORRUPT}
     */
    public record Slot(Kind kind, long position, long next, int length, byte[] payload, String problem) {
        static Slot of(Kind kind, long position) {
            return new Slot(kind, position, position, 0, null, null);
        }
    }

    /**
     * A claim recorded in the producer table.
     *
     * @param slot producer slot
     * @param pid the process that last took the slot
     * @param start first position claimed
     * @param end end of the claim
     * @param alive whether the slot's owner is alive
     */
    public record Claim(int slot, long pid, long start, long end, boolean alive) {
    }

    private final InspectedFile file;
    private final ByteBuffer buffer;
    private final MailboxHeader header;
    private final int capacity;
    private final int mask;

    private MailboxReader(InspectedFile file, ByteBuffer buffer, MailboxHeader header) {
        this.file = file;
        this.buffer = buffer;
        this.header = header;
        this.capacity = header.capacity();
        this.mask = capacity - 1;
    }

    /**
     * Opens and validates a mailbox file, without following links.
     *
     * @param file the file
     * @return the reader; close it
     * @throws java.nio.file.NoSuchFileException if there is no such file
     * @throws InspectedFile.RefusedException if the file is a symbolic link or not a regular file
     * @throws IOException if it cannot be read
     * @throws CorruptFormatException if the header is invalid
     */
    public static MailboxReader open(Path file) throws IOException {
        InspectedFile opened = InspectedFile.open(file);
        try {
            long size = opened.size();
            ByteBuffer headerBytes = size == 0 ? ByteBuffer.allocate(0) : opened.map(Math.min(size, HEADER_LENGTH));
            MailboxHeader header = MailboxFile.validate(headerBytes, size, file);
            return new MailboxReader(opened, opened.map(size), header);
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    /**
     * The file.
     *
     * @return its path
     */
    public Path file() {
        return file.path();
    }

    /**
     * The header, as validated at open.
     *
     * @return the header
     */
    public MailboxHeader header() {
        return header;
    }

    /**
     * Ring capacity.
     *
     * @return bytes
     */
    public int capacity() {
        return capacity;
    }

    /**
     * Creation time (informative).
     *
     * @return epoch milliseconds
     */
    public long created() {
        return (long) LONGS.get(buffer, MailboxLayout.CREATED_OFFSET);
    }

    /**
     * The head position.
     *
     * @return bytes received since creation
     */
    public long head() {
        return (long) LONGS.getVolatile(buffer, MailboxLayout.HEAD_OFFSET);
    }

    /**
     * The tail position, without the closed flag.
     *
     * @return bytes claimed since creation
     */
    public long tail() {
        return (long) LONGS.getVolatile(buffer, MailboxLayout.TAIL_OFFSET) & ~CLOSED_BIT;
    }

    /**
     * Whether the channel is closed.
     *
     * @return the closed flag
     */
    public boolean closed() {
        return ((long) LONGS.getVolatile(buffer, MailboxLayout.TAIL_OFFSET) & CLOSED_BIT) != 0;
    }

    /**
     * Receivers asleep on the channel's doorbells now (the {@code BLOCKING} wait strategy).
     *
     * @return how many
     */
    public int sleepingReceivers() {
        return Integer.bitCount((int) INTS.getVolatile(buffer, MailboxLayout.SLEEPER_MASK_OFFSET));
    }

    /**
     * Whether {@code <name>.chan} now names another file (the channel was deleted, maybe re-created).
     *
     * @return {@code true} if replaced
     */
    public boolean replaced() {
        return file.replaced();
    }

    /**
     * Messages waiting, counted as in {@code docs/FORMAT.md} 4.3: a claimed record not yet
     * committed counts as one; retried if receivers move the head during the walk.
     *
     * @return the count
     */
    public int size() {
        for (int attempt = 0; attempt < 16; attempt++) {
            long head = head();
            long tail = tail();
            int count = 0;
            long position = head;
            boolean raced = false;
            while (position < tail) {
                Slot slot = peek(position, false);
                if (slot.kind() == Kind.MESSAGE) {
                    count++;
                } else if (slot.kind() != Kind.PADDING) {
                    raced = slot.kind() == Kind.OVERWRITTEN || slot.kind() == Kind.CORRUPT && head() != head;
                    count += slot.kind() == Kind.PENDING ? 1 : 0;
                    break;
                }
                position = slot.next();
            }
            if (!raced && head() == head) {
                return count;
            }
        }
        return 0;
    }

    /**
     * An uncommitted record that no producer claims is damage, as receivers decide it (every claim
     * is recorded before the tail moves over it and cleared only after its commit): the claims are
     * read first, then the record once more, so a send that committed meanwhile is not reported.
     *
     * @param position a record boundary where {@link #peek} found {@link Kind#PENDING}
     * @return the problem, or {@code null} if a claim covers the position or the record is now committed
     */
    public String unclaimedProblem(long position) {
        if (!claimsCovering(position).isEmpty() || peek(position, false).kind() != Kind.PENDING) {
            return null;
        }
        return MailboxDamage.unclaimedRecord(position, capacity(), tagAt(position), tail());
    }

    /**
     * Reads the record at a position without taking it.
     *
     * @param position a record boundary
     * @param copy whether to copy a message's payload
     * @return what is there
     */
    public Slot peek(long position, boolean copy) {
        if (position >= tail()) {
            return Slot.of(Kind.END, position);
        }
        if (overwritten(position)) {
            return Slot.of(Kind.OVERWRITTEN, position);
        }
        int offset = (int) (position & mask);
        int base = MailboxLayout.recordOffset(offset);
        long tag = (long) LONGS.getAcquire(buffer, base + RECORD_TAG_OFFSET);
        if (tag != MailboxLayout.tagOf(position)) {
            return Slot.of(overwritten(position) ? Kind.OVERWRITTEN : Kind.PENDING, position);
        }
        int length = (int) INTS.get(buffer, base + RECORD_LENGTH_OFFSET);
        int check = (int) INTS.get(buffer, base + RECORD_TYPE_OFFSET);
        int type = MailboxLayout.typeOf(check);
        String problem = null;
        long next = MailboxRecords.nextPosition(type, position, length, header.maxMessage(), capacity);
        byte[] payload = null;
        if (check != MailboxLayout.checkWord(type, position, length)) {
            problem = "impossible record: check word does not match: position=" + position + " offset=" + base
                    + " length=" + length
                    + " check=0x" + Integer.toHexString(check);
        } else if (next < 0 && type == TYPE_PADDING) {
            problem = "impossible padding: position=" + position + " offset=" + base + " length=" + length
                    + " capacity=" + capacity;
        } else if (next < 0) {
            problem = "impossible record: position=" + position + " offset=" + base + " type=" + type + " length=" + length
                    + " maxMessage=" + header.maxMessage() + " capacity=" + capacity;
        } else if (copy && type == TYPE_MESSAGE) {
            payload = new byte[length];
            buffer.get(base + RECORD_HEADER_LENGTH, payload, 0, length);
        }
        if (overwritten(position)) {
            return Slot.of(Kind.OVERWRITTEN, position);
        }
        if (problem != null) {
            return new Slot(Kind.CORRUPT, position, position, length, null, problem);
        }
        return new Slot(type == TYPE_PADDING ? Kind.PADDING : Kind.MESSAGE, position, next, length, payload, null);
    }

    /**
     * The tag word at a position's record offset.
     *
     * @param position a record position
     * @return the tag found there
     */
    public long tagAt(long position) {
        return (long) LONGS.getAcquire(buffer, MailboxLayout.recordOffset((int) (position & mask)) + RECORD_TAG_OFFSET);
    }

    /** Whether producers may have written over the record at {@code position} (everything read before is fenced). */
    private boolean overwritten(long position) {
        VarHandle.loadLoadFence();
        return tail() - position > capacity;
    }

    /**
     * Pids of the live processes holding a producer slot.
     *
     * @return the pids
     */
    public List<Long> liveProducerPids() {
        List<Long> pids = new ArrayList<>();
        for (int slot = 0; slot < MailboxLayout.PRODUCER_SLOTS; slot++) {
            long pid = (long) LONGS.getAcquire(buffer,
                    MailboxLayout.producerSlotOffset(slot) + MailboxLayout.PRODUCER_PID_OFFSET);
            if (pid != 0 && slotAlive(slot)) {
                pids.add(pid);
            }
        }
        return pids;
    }

    /**
     * Claims in the producer table that cover a position.
     *
     * @param position the position
     * @return the claims
     */
    public List<Claim> claimsCovering(long position) {
        List<Claim> claims = new ArrayList<>();
        for (int slot = 0; slot < MailboxLayout.PRODUCER_SLOTS; slot++) {
            for (int entry = 0; entry < MailboxLayout.CLAIM_ENTRIES; entry++) {
                long end = (long) LONGS.getAcquire(buffer, MailboxLayout.claimEndOffset(slot, entry));
                long start = (long) LONGS.getOpaque(buffer, MailboxLayout.claimStartOffset(slot, entry));
                if (end != 0 && start <= position && position < end) {
                    long pid = (long) LONGS.getAcquire(buffer, MailboxLayout.producerSlotOffset(slot));
                    claims.add(new Claim(slot, pid, start, end, slotAlive(slot)));
                }
            }
        }
        return claims;
    }

    /** A slot is alive while its owner holds the lock on its byte. */
    private boolean slotAlive(int slot) {
        return file.lockByteHeld(slot);
    }

    @Override
    public void close() {
        file.close();
    }
}
