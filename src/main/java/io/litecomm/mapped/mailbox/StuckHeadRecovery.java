package io.litecomm.mapped.mailbox;

import static io.litecomm.mapped.inspect.MailboxLayout.RECORD_HEADER_LENGTH;
import static io.litecomm.mapped.inspect.MailboxLayout.RECORD_TAG_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.TYPE_PADDING;

import io.litecomm.mapped.file.FileLocks;
import io.litecomm.mapped.inspect.MailboxDamage;
import io.litecomm.mapped.inspect.MailboxLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer's recovery from a head stuck on a record that was claimed but never committed: after
 * the recovery bound, under the mailbox's writer lock, the claim of a producer the OS says is dead
 * (its slot lock is gone) is padded so consumers move on. A clock only decides <em>when to look</em>;
 * whether a claimant is dead is the OS's word, never a clock's.
 *
 * <p>The watch ({@link #stuckHead}, {@link #stuckSince}, {@link #lengthCheckedAt}) is shared by
 * every consumer thread of the mailbox in this process, in plain fields, on purpose: it is touched
 * only every 16th empty poll, and per-thread state would make each receiving thread wait out the
 * bound on its own. The race is benign. A stale or mixed pair (one thread's head with another's
 * time, or on a 32-bit JVM a torn long) can only make {@link #recover} run early or one bound late;
 * {@code recover} is safe at any time, since it re-checks the head and its tag under the writer
 * lock and pads only claims whose producer is dead. It can never stop recovery for good: once the
 * head is really stuck every consumer reads the same head, so the watch stops being reset. A stale
 * {@code lengthCheckedAt} costs at most one extra length check (a {@code fstat}) or skips one
 * another thread just made for the same head.
 */
final class StuckHeadRecovery {

    private static final VarHandle LONGS =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final Logger LOG = LoggerFactory.getLogger(Mailbox.class);
    /** How long a head stays stuck before the file's length is checked. */
    private static final long LENGTH_CHECK_NANOS = 1_000_000;

    private final Mailbox mailbox;
    private final MappedByteBuffer buffer;
    private final MailboxFaults faults;
    private final ProducerRegistry producers;
    private final FileLocks.Handle locks;
    private final long recoveryNanos;
    private final int capacity;
    private final int mask;
    /** Head position a consumer found stuck on an uncommitted record (see the class comment). */
    private long stuckHead = -1;
    /** Since when (nanoTime) {@link #stuckHead} has been stuck. */
    private long stuckSince;
    /** The stuck head whose file length was last checked. */
    private long lengthCheckedAt = -1;

    StuckHeadRecovery(Mailbox mailbox, MappedByteBuffer buffer, MailboxFaults faults, ProducerRegistry producers,
            FileLocks.Handle locks, long recoveryNanos) {
        this.mailbox = mailbox;
        this.buffer = buffer;
        this.faults = faults;
        this.producers = producers;
        this.locks = locks;
        this.recoveryNanos = recoveryNanos;
        this.capacity = mailbox.capacity();
        this.mask = capacity - 1;
    }

    /** Whether a stuck head is ever recovered (a zero bound never recovers). */
    boolean enabled() {
        return recoveryNanos > 0;
    }

    /**
     * The record at {@code head} is claimed but not committed. If that lasts longer than the
     * recovery bound, look for a dead claimant and pad its claim so consumers can move on.
     */
    void watch(long head) {
        long now = System.nanoTime();
        if (head != stuckHead) {
            stuckHead = head;
            stuckSince = now;
            return;
        }
        if (lengthCheckedAt != head && now - stuckSince >= Math.min(recoveryNanos, LENGTH_CHECK_NANOS)) {
            lengthCheckedAt = head;
            faults.checkLength();
        }
        if (now - stuckSince >= recoveryNanos) {
            stuckSince = now;
            recover(head);
        }
    }

    @SuppressWarnings("try") // the resource is a held lock: holding it is the point
    private void recover(long head) {
        try (FileLocks.Held held = locks.lock()) {
            int base = MailboxLayout.recordOffset((int) (head & mask));
            if (mailbox.headPosition() != head || (long) LONGS.getAcquire(buffer, base + RECORD_TAG_OFFSET)
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
                        mailbox.name(), head, mailbox.location());
                return;
            }
            long end = dead[2];
            long tail = mailbox.tailPosition();
            if (end > tail || (end & (MailboxLayout.RECORD_ALIGNMENT - 1)) != 0) {
                // claims are made by moving the tail, which never goes back: the entry of the claim
                // that blocks the head is missing, and this one was never a claim at all
                throw faults.corrupt("impossible producer claim: position=" + head
                        + " end=" + end + " tail=" + tail + " slot=" + dead[0] + " entry=" + dead[1]);
            }
            padRegion(head, end);
            producers.clearDead((int) dead[0], (int) dead[1]);
            LOG.warn("recovered a message claimed by a dead producer: channel={} from={} to={} file={}",
                    mailbox.name(), head, dead[2], mailbox.location());
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
        if (mailbox.headPosition() == head && tag != MailboxLayout.tagOf(head)) {
            throw faults.corrupt(MailboxDamage.unclaimedRecord(head, capacity, tag, mailbox.tailPosition()));
        }
    }

    /** Fills [from, to) with padding records, split at the ring's end. */
    private void padRegion(long from, long to) {
        long position = from;
        while (position < to) {
            int offset = (int) (position & mask);
            int length = (int) Math.min(to - position, capacity - offset);
            Mailbox.writeRecord(buffer, offset, position, TYPE_PADDING, length - RECORD_HEADER_LENGTH, null);
            position += length;
        }
    }
}
