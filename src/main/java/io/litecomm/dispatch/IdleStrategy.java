package io.litecomm.dispatch;

/**
 * What a polling loop does when a pass found no work. Not thread-safe: one per loop.
 */
public interface IdleStrategy {

    /**
     * Called after each pass.
     *
     * @param workCount work done by the pass; {@code > 0} resets the back-off
     */
    void idle(int workCount);

    /** Starts the back-off over, as after work. */
    void reset();
}
