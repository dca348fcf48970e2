package io.litecomm.dispatch;

import io.litecomm.spi.MessageQueue;
import java.util.List;

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

    /**
     * What the task waits for when it has no work, so that the watcher can wait the transport's
     * way: its queues; an empty list if it waits for nothing but a wake-up; {@code null} (the
     * default) if it must be polled.
     *
     * @return the queues, an empty list, or {@code null}
     */
    default List<MessageQueue> waitsOn() {
        return null;
    }
}
