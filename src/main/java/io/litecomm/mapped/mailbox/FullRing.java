package io.litecomm.mapped.mailbox;

/**
 * What a mailbox's senders do around a full ring: every 64th claim that finds it full looks at the
 * file's length, and the first claim after a long wait does too (see {@link #fullSince}).
 */
final class FullRing {

    /** Full polls between two looks at the file's length: a power of two minus one. */
    private static final int FULL_LENGTH_CHECK_MASK = 63;
    /**
     * Claims that found the ring full, to look at the file's length every 64th. Racing senders lose
     * or repeat increments as the mailbox's empty-poll count does: one look comes a few polls early or late.
     */
    private int fullPolls;
    /**
     * When (nanoTime) sends began to find the ring full; 0 while they find room. A sender that
     * waited on a full ring may be cold (interpreted), and if the file was truncated meanwhile its
     * reads return garbage that can look like room; the JVM turns a fault in an interpreted
     * compare-and-set into a crash, not an {@code InternalError} (docs/FORMAT.md 8). So the first
     * claim after a wait longer than {@link #LONG_WAIT_NANOS} looks at the file's length first.
     *
     * <p>Shared by the senders of this process, not per thread (a {@code ThreadLocal} read on every
     * send would cost more than the check saves): the first sender to find room after a long wait
     * checks the length and clears the field, and another sender that waited as long then claims
     * without a check of its own. Its reads come after the first sender's check, so what it can
     * miss is only a truncation made between the two claims (the second sender's wake-up delay,
     * microseconds to a park's cap), not one made during the wait. A stale value read by a racing
     * sender costs one extra {@code stat} (non-zero) or skips one made by another sender an instant
     * before (zero); a torn long (32-bit JVMs only) is one of the two.
     */
    private long fullSince;
    /** A wait on a full ring after which the next claim checks the file's length (one stat). */
    private static final long LONG_WAIT_NANOS = 50_000;

    private final MailboxFaults faults;
    private final int capacity;

    FullRing(MailboxFaults faults, int capacity) {
        this.faults = faults;
        this.capacity = capacity;
    }

    /** Whether senders found the ring full since the last claim that found room: one plain read. */
    boolean waited() {
        return fullSince != 0;
    }

    /**
     * The slow path of a claim that found no room, or counters no sender could have written (which
     * {@code checkShared} reports): kept out of the claim so the hot path stays small enough to
     * inline.
     *
     * @return {@code true} if the ring is full, {@code false} if the tail must be read again
     */
    boolean noRoom(long used) {
        faults.checkShared();
        if (used <= capacity) {
            return false;
        }
        if ((++fullPolls & FULL_LENGTH_CHECK_MASK) == 0) {
            faults.checkPathLength(); // a sender blocked on a full ring touches only the first page
        }
        if (fullSince == 0) {
            fullSince = System.nanoTime() | 1;
        }
        return true;
    }

    /** The first claim after the ring was full: after a long wait, the file's length first. */
    void endWait() {
        if (System.nanoTime() - fullSince > LONG_WAIT_NANOS) {
            faults.checkPathLength();
        }
        fullSince = 0;
    }
}
