package io.litecomm.cli;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@code --timeout} (none: wait for ever) and a polling back-off for commands that follow
 * something: from 50 microseconds up to 10 ms between looks while nothing happens.
 */
final class Deadline {

    private static final long MIN_PARK = TimeUnit.MICROSECONDS.toNanos(50);
    private static final long MAX_PARK = TimeUnit.MILLISECONDS.toNanos(10);

    private final long end;
    private final boolean bounded;
    private long park = MIN_PARK;

    private Deadline(long timeoutMillis) {
        this.bounded = timeoutMillis >= 0;
        this.end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMillis));
    }

    /**
     * The deadline of {@code --timeout}.
     *
     * @param args the arguments
     * @return a deadline, unbounded without the option
     */
    static Deadline of(Args args) {
        return new Deadline(args.number("--timeout", -1, 0));
    }

    boolean expired() {
        return bounded && System.nanoTime() - end >= 0;
    }

    /** Nanoseconds left, capped at a day when unbounded. */
    long remainingNanos() {
        return bounded ? Math.max(0, end - System.nanoTime()) : TimeUnit.DAYS.toNanos(1);
    }

    /** Something happened: look again soon. */
    void reset() {
        park = MIN_PARK;
    }

    /** Nothing happened: wait a little longer each time, never past the deadline. */
    void idle() {
        LockSupport.parkNanos(Math.min(park, Math.max(1, remainingNanos())));
        park = Math.min(MAX_PARK, park * 2);
    }
}
