package io.litecomm.dispatch;

/** Never sleeps: spins with {@link Thread#onSpinWait()}. The lowest latency and a whole core. */
public final class BusySpinIdleStrategy implements IdleStrategy {

    @Override
    public void idle(int workCount) {
        Thread.onSpinWait();
    }

    @Override
    public void reset() {
        // nothing to reset
    }
}
