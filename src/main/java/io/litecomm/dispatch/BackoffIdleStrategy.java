package io.litecomm.dispatch;

import java.util.concurrent.locks.LockSupport;

/**
 * Spins a little, then yields, then parks for doubling periods up to a cap: low latency while
 * busy, next to no CPU when idle. After {@value #LONG_IDLE_PARKS} parks at the cap in a row (a
 * quiet spell), a receiver's period keeps doubling up to ten times the cap, at most
 * {@link #LONG_IDLE_PARK_NANOS}: with the default 1 ms cap a thread idle for long wakes about a
 * hundred times a second instead of a thousand.
 */
public final class BackoffIdleStrategy implements IdleStrategy {

    /** Spins before yielding, by default. */
    public static final int DEFAULT_SPINS = 200;
    /** Yields before parking, by default. */
    public static final int DEFAULT_YIELDS = 20;
    /** First park, by default, in nanoseconds. */
    public static final long DEFAULT_MIN_PARK_NANOS = 1_000;
    /** Parks at the cap before the period may grow further. */
    public static final int LONG_IDLE_PARKS = 100;
    /** Longest park after a quiet spell, in nanoseconds, whatever the cap. */
    public static final long LONG_IDLE_PARK_NANOS = 10_000_000;

    private final int maxSpins;
    private final int maxYields;
    private final long minParkNanos;
    private final long maxParkNanos;
    private int spins;
    private int yields;
    private long parkNanos;
    private int parksAtCap;
    private final boolean growWhenQuiet;

    /**
     * Creates a strategy.
     *
     * @param maxSpins busy spins before yielding
     * @param maxYields yields before parking
     * @param minParkNanos first park period
     * @param maxParkNanos cap on the park period
     */
    public BackoffIdleStrategy(int maxSpins, int maxYields, long minParkNanos, long maxParkNanos) {
        this(maxSpins, maxYields, minParkNanos, maxParkNanos, true);
    }

    /**
     * Creates a strategy.
     *
     * @param maxSpins busy spins before yielding
     * @param maxYields yields before parking
     * @param minParkNanos first park period
     * @param maxParkNanos cap on the park period
     * @param growWhenQuiet whether the period may grow past the cap after a quiet spell (right for
     *     a receiver waiting for traffic, wrong for a sender waiting for room, which comes fast)
     */
    public BackoffIdleStrategy(int maxSpins, int maxYields, long minParkNanos, long maxParkNanos,
                               boolean growWhenQuiet) {
        if (maxSpins < 0 || maxYields < 0 || minParkNanos < 1 || maxParkNanos < minParkNanos) {
            throw new IllegalArgumentException("bad back-off: spins=" + maxSpins + " yields=" + maxYields
                    + " minPark=" + minParkNanos + " maxPark=" + maxParkNanos);
        }
        this.maxSpins = maxSpins;
        this.maxYields = maxYields;
        this.minParkNanos = minParkNanos;
        this.maxParkNanos = maxParkNanos;
        this.growWhenQuiet = growWhenQuiet;
        reset();
    }

    /**
     * A strategy with the default spins and yields and the given park cap.
     *
     * @param maxParkNanos cap on the park period
     * @return the strategy
     */
    public static BackoffIdleStrategy withMaxPark(long maxParkNanos) {
        return new BackoffIdleStrategy(DEFAULT_SPINS, DEFAULT_YIELDS,
                Math.min(DEFAULT_MIN_PARK_NANOS, maxParkNanos), maxParkNanos);
    }

    /**
     * A strategy for a sender waiting for room: the default spins and yields, parks capped at
     * {@code maxParkNanos} however long the wait.
     *
     * @param maxParkNanos cap on the park period
     * @return the strategy
     */
    public static BackoffIdleStrategy forSender(long maxParkNanos) {
        return new BackoffIdleStrategy(DEFAULT_SPINS, DEFAULT_YIELDS,
                Math.min(DEFAULT_MIN_PARK_NANOS, maxParkNanos), maxParkNanos, false);
    }

    @Override
    public void idle(int workCount) {
        if (workCount > 0) {
            reset();
        } else if (spins < maxSpins) {
            spins++;
            Thread.onSpinWait();
        } else if (yields < maxYields) {
            yields++;
            Thread.yield();
        } else {
            LockSupport.parkNanos(parkNanos);
            if (parkNanos < maxParkNanos) {
                parkNanos = Math.min(parkNanos << 1, maxParkNanos);
            } else if (growWhenQuiet && ++parksAtCap >= LONG_IDLE_PARKS) {
                long quietCap = Math.max(maxParkNanos, Math.min(10 * maxParkNanos, LONG_IDLE_PARK_NANOS));
                parkNanos = Math.min(parkNanos << 1, quietCap);
            }
        }
    }

    @Override
    public void reset() {
        spins = 0;
        yields = 0;
        parksAtCap = 0;
        parkNanos = minParkNanos;
    }
}
