package io.litecomm.dispatch;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watcher thread of one domain: polls its tasks in a loop, {@code idle(doWork())}. Started on
 * the first task, stopped by {@link #close()} with a bounded join. A task that throws is logged
 * and the loop goes on.
 */
public final class Watcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Watcher.class);
    private static final long JOIN_MILLIS = TimeUnit.SECONDS.toMillis(5);

    private final String threadName;
    private final Supplier<IdleStrategy> idleStrategies;
    private final CopyOnWriteArrayList<WatchTask> tasks = new CopyOnWriteArrayList<>();
    private final Object lifecycle = new Object();
    private volatile boolean running;
    private volatile Thread thread;
    private boolean closed;

    /**
     * Creates a watcher; no thread runs until a task is added.
     *
     * @param threadName name of the thread, e.g. {@code litecomm-watcher-<domain>}
     * @param idleStrategies makes the strategy of the loop
     */
    public Watcher(String threadName, Supplier<IdleStrategy> idleStrategies) {
        this.threadName = threadName;
        this.idleStrategies = idleStrategies;
    }

    /**
     * Adds a task and starts the thread if needed.
     *
     * @param task the task
     * @throws IllegalStateException if the watcher is closed
     */
    public void add(WatchTask task) {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("watcher closed: thread=" + threadName);
            }
            if (!tasks.contains(task)) {
                tasks.add(task);
            }
            if (thread == null) {
                running = true;
                Thread t = new Thread(this::loop, threadName);
                t.setDaemon(true);
                t.setUncaughtExceptionHandler((th, e) -> LOG.error("watcher thread died: thread={}", th.getName(), e));
                thread = t;
                t.start();
            }
        }
        wake();
    }

    /** Wakes the thread if it is parked, so new work is seen at once. */
    public void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Whether the calling thread is this watcher's thread.
     *
     * @return {@code true} if so
     */
    public boolean isWatcherThread() {
        return Thread.currentThread() == thread;
    }

    private void loop() {
        IdleStrategy idle = idleStrategies.get();
        while (running) {
            int work = 0;
            for (WatchTask task : tasks) {
                try {
                    work += task.doWork();
                    if (task.isDone()) {
                        tasks.remove(task);
                    }
                } catch (RuntimeException e) {
                    LOG.error("watch task failed: thread={} task={}", threadName, task, e);
                }
            }
            idle.idle(work);
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (lifecycle) {
            closed = true;
            running = false;
            t = thread;
        }
        if (t == null) {
            return;
        }
        LockSupport.unpark(t);
        if (t == Thread.currentThread()) {
            return;
        }
        try {
            t.join(JOIN_MILLIS);
            if (t.isAlive()) {
                LOG.warn("watcher did not stop within {} ms: thread={}", JOIN_MILLIS, threadName);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
