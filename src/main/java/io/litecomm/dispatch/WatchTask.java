package io.litecomm.dispatch;

/** A unit of work the watcher polls. */
public interface WatchTask {

    /**
     * Does whatever is ready, without blocking.
     *
     * @return how much work was done; {@code 0} if none
     */
    int doWork();

    /**
     * Whether the task is finished and may be dropped by the watcher.
     *
     * @return {@code true} when done
     */
    boolean isDone();
}
