package io.litecomm.mapped.mailbox;

import io.litecomm.dispatch.BackoffIdleStrategy;
import io.litecomm.dispatch.IdleStrategy;
import io.litecomm.spi.MessageQueue;
import io.litecomm.spi.WaitMode;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * How callers wait on the mailboxes of one domain, and how senders wake them: spinning and
 * parking on reads of the mapping ({@link WaitMode#SPIN}, {@link WaitMode#BACKOFF}), or sleeping on
 * a doorbell registered in the mailbox's sleeper table ({@link WaitMode#BLOCK}).
 *
 * <p>A waiter returns as soon as a mailbox shows a committed record at its head (or is closed), at
 * its deadline, when its thread is interrupted, when the domain closes, or after
 * {@link #MAX_WAIT_NANOS} (so that a caller's own local state is looked at now and then). While
 * idle it looks for damage and for claims of dead producers every {@link #CHECK_EVERY} steps,
 * which is what an empty poll would do. Each thread keeps its back-off state across the
 * capped returns of one wait, so a long wait parks as long as an uninterrupted one. Thread-safe.
 */
public final class MailboxWaits implements AutoCloseable {

    /** Longest single wait before returning to the caller. */
    static final long MAX_WAIT_NANOS = 1_000_000_000L;
    /** Time between two looks of a waiting sender at the file's length and counters. */
    static final long WRITER_CHECK_NANOS = 1_000_000L;
    /** Idle steps between two looks for damage and dead producers. */
    static final int CHECK_EVERY = 16;
    private static final int BELL_SPINS = 2_000;
    private static final long MAX_BELL_SLEEP_NANOS = 100_000_000L;
    private static final long BELL_TABLE_FULL_PARK_NANOS = 50_000L;

    private final Doorbells doorbells;
    private final ThreadLocal<State> receivers;
    private final ThreadLocal<State> senders;
    private final ThreadLocal<State> selectors;
    private volatile boolean closed;

    /**
     * Waits of one domain.
     *
     * @param doorbells the domain's doorbells
     * @param maxParkNanos the longest park of the back-off
     */
    public MailboxWaits(Doorbells doorbells, long maxParkNanos) {
        this.doorbells = doorbells;
        this.receivers = ThreadLocal.withInitial(() -> new State(BackoffIdleStrategy.withMaxPark(maxParkNanos)));
        this.senders = ThreadLocal.withInitial(() -> new State(BackoffIdleStrategy.forSender(maxParkNanos)));
        this.selectors = ThreadLocal.withInitial(() -> new State(BackoffIdleStrategy.withMaxPark(maxParkNanos)));
    }

    /** A thread's back-off, and whether its last wait returned only because it was capped. */
    private static final class State {
        final IdleStrategy idle;
        boolean capped;

        State(IdleStrategy idle) {
            this.idle = idle;
        }

        IdleStrategy begin() {
            if (!capped) {
                idle.reset();
            }
            capped = false;
            return idle;
        }
    }

    /** Rings every receiver asleep on a mailbox; forgets the bells of dead receivers. */
    void ring(Mailbox mailbox, int mask) {
        int remaining = mask;
        while (remaining != 0) {
            int slot = Integer.numberOfTrailingZeros(remaining);
            remaining &= remaining - 1;
            long bellId = mailbox.sleeperAt(slot);
            if (bellId != 0 && !doorbells.ring(bellId)) {
                mailbox.removeSleeper(slot, bellId);
            }
        }
    }

    private boolean stop(long deadlineNanos, long start, State state) {
        if (closed || Thread.currentThread().isInterrupted()) {
            return true;
        }
        long now = System.nanoTime();
        if (deadlineNanos != Long.MAX_VALUE && now - deadlineNanos >= 0) {
            return true;
        }
        if (now - start >= MAX_WAIT_NANOS) {
            state.capped = true;
            return true;
        }
        return false;
    }

    void awaitReadable(Mailbox mailbox, long deadlineNanos, WaitMode mode) {
        if (mode == WaitMode.BLOCK && doorbells.available()) {
            awaitOnBell(mailbox, deadlineNanos);
            return;
        }
        State state = receivers.get();
        IdleStrategy idle = state.begin();
        long start = System.nanoTime();
        int steps = 0;
        while (!mailbox.readable()) {
            if (stop(deadlineNanos, start, state)) {
                return;
            }
            if (++steps % CHECK_EVERY == 0) {
                mailbox.idleCheck();
            }
            if (mode == WaitMode.SPIN) {
                Thread.onSpinWait();
            } else {
                idle.idle(0);
            }
        }
    }

    void awaitWritable(Mailbox mailbox, int length, long deadlineNanos, WaitMode mode) {
        State state = senders.get();
        IdleStrategy idle = state.begin();
        long start = System.nanoTime();
        long checked = start;
        while (!mailbox.writable(length)) {
            if (stop(deadlineNanos, start, state)) {
                return;
            }
            long now = System.nanoTime();
            if (now - checked >= WRITER_CHECK_NANOS) {
                checked = now;
                mailbox.idleCheckWriter();
            }
            if (mode == WaitMode.SPIN) {
                Thread.onSpinWait();
            } else {
                idle.idle(0);
            }
        }
    }

    /**
     * Waits for any of several queues (see {@code Transport.awaitAnyReadable}). Mailboxes are
     * watched by reading their heads; a queue of another transport cannot be, so then each call
     * idles one step and returns. A thread's back-off starts again only after a wait that found a
     * queue readable: a select or a watcher that keeps timing out keeps its long parks.
     *
     * @param queues the queues
     * @param deadlineNanos when to give up, or {@link Long#MAX_VALUE}
     * @param mode how to wait
     */
    public void awaitAny(List<? extends MessageQueue> queues, long deadlineNanos, WaitMode mode) {
        State state = selectors.get();
        IdleStrategy idle = state.begin();
        state.capped = true;
        long start = System.nanoTime();
        int steps = 0;
        while (true) {
            boolean foreign = false;
            for (MessageQueue queue : queues) {
                if (!(queue instanceof Mailbox mailbox)) {
                    foreign = true;
                } else if (mailbox.readable()) {
                    state.capped = false;
                    return;
                }
            }
            if (stop(deadlineNanos, start, state)) {
                return;
            }
            if (++steps % CHECK_EVERY == 0) {
                for (MessageQueue queue : queues) {
                    if (queue instanceof Mailbox mailbox) {
                        mailbox.idleCheck();
                    }
                }
            }
            if (mode == WaitMode.SPIN) {
                Thread.onSpinWait();
            } else {
                idle.idle(0);
            }
            if (foreign) {
                return;
            }
        }
    }

    /**
     * Spins briefly, then sleeps on this thread's doorbell, registered in the mailbox's sleeper
     * table: register, look again, sleep; a sender commits, then reads the table and rings.
     */
    private void awaitOnBell(Mailbox mailbox, long deadlineNanos) {
        long start = System.nanoTime();
        for (int spins = 0; spins < BELL_SPINS; spins++) {
            if (mailbox.readable()) {
                return;
            }
            Thread.onSpinWait();
        }
        State state = receivers.get();
        while (!mailbox.readable()) {
            if (stop(deadlineNanos, start, state)) {
                return;
            }
            mailbox.idleCheck();
            Doorbells.Bell bell = doorbells.bell();
            int slot = bell == null ? -1 : mailbox.addSleeper(bell.id());
            if (slot < 0) {
                if (bell != null) {
                    bell.release();
                }
                LockSupport.parkNanos(BELL_TABLE_FULL_PARK_NANOS);
                continue;
            }
            try {
                if (mailbox.readable()) {
                    return;
                }
                long sleep = MAX_BELL_SLEEP_NANOS;
                if (deadlineNanos != Long.MAX_VALUE) {
                    sleep = Math.min(sleep, deadlineNanos - System.nanoTime());
                }
                if (sleep > 0) {
                    bell.await(sleep);
                }
            } finally {
                mailbox.removeSleeper(slot, bell.id());
                bell.release();
            }
        }
    }

    /** Wakes and ends every wait of this domain; the doorbells are closed by their owner. */
    @Override
    public void close() {
        closed = true;
    }
}
