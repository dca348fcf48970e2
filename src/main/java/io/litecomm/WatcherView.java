package io.litecomm;

import io.litecomm.dispatch.Watcher;

/** The JMX view of a watcher. */
final class WatcherView implements WatcherMXBean {

    private final Watcher watcher;

    WatcherView(Watcher watcher) {
        this.watcher = watcher;
    }

    @Override
    public long getFailures() {
        return watcher.failures();
    }

    @Override
    public long getRestarts() {
        return watcher.restarts();
    }
}
