package io.litecomm.dispatch;

import io.litecomm.spi.MessageQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watcher thread of one domain: polls its tasks in a loop, {@code idle(doWork())}. Started on
 * the first task, stopped by {@link #close()} with a bounded join.
 *
 * <p>It cannot die silently. Anything a task throws, {@code Error}s included, is counted
 * ({@link #failures()}), handed to the {@link FailureListener}, and the loop goes on; a task that
 * keeps failing is polled less often (from 1 ms doubling to 1 s between tries, back to every loop
 * after a success), so a broken file cannot flood the log. Should the thread die all the same (the
 * listener threw, or an error hit the loop itself), it is started again at once by its uncaught
 * exception handler, and again by the next {@link #add} or {@link #wake()} if that failed too
 * ({@link #restarts()} counts them).
 */
public final class Watcher implements AutoCloseable {

    /** Told of every failure of a task; runs on the watcher thread. */
    @FunctionalInterface
    public interface FailureListener {
        /**
         * A task threw.
         *
         * @param task the task, or {@code null} if the loop itself failed
         * @param failure what it threw
         */
        void taskFailed(WatchTask task, Throwable failure);
    }

    private static final Logger LOG = LoggerFactory.getLogger(Watcher.class);
    private static final long JOIN_MILLIS = TimeUnit.SECONDS.toMillis(5);
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Waits until any of some queues may be readable, the transport's way. */
    @FunctionalInterface
    public interface QueueWait {
        /**
         * Waits; may return early.
         *
         * @param queues the queues
         * @param deadlineNanos when to return at the latest ({@link System#nanoTime()})
         */
        void await(List<MessageQueue> queues, long deadlineNanos);
    }

    /** After a queue wait failed, how long the watcher polls instead (the tasks report the failure). */
    private static final long QUEUE_WAIT_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String threadName;
    private final QueueWait queueWait;
    private final long queueWaitNanos;
    private long queueWaitPausedUntil;
    private boolean queueWaitPaused;
    private final Supplier<IdleStrategy> idleStrategies;
    private final FailureListener listener;
    private final CopyOnWriteArrayList<Entry> tasks = new CopyOnWriteArrayList<>();
    private final Object lifecycle = new Object();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicLong restarts = new AtomicLong();
    private volatile Thread thread;
    private volatile boolean closed;

    /**
     * Creates a watcher that logs task failures at ERROR; no thread runs until a task is added.
     *
     * @param threadName name of the thread, e.g. {@code litecomm-watcher-<domain>}
     * @param idleStrategies makes the strategy of the loop
     */
    public Watcher(String threadName, Supplier<IdleStrategy> idleStrategies) {
        this(threadName, idleStrategies, (task, failure) ->
                LOG.error("watch task failed: thread={} task={}", threadName, task, failure));
    }

    /**
     * Creates a watcher; no thread runs until a task is added.
     *
     * @param threadName name of the thread, e.g. {@code litecomm-watcher-<domain>}
     * @param idleStrategies makes the strategy of the loop
     * @param listener told of every task failure, on the watcher thread
     */
    public Watcher(String threadName, Supplier<IdleStrategy> idleStrategies, FailureListener listener) {
        this(threadName, idleStrategies, listener, null, 0);
    }

    /**
     * A watcher that, when every task waits on queues, waits the transport's way.
     *
     * @param threadName name of the watcher thread
     * @param idleStrategies the idle strategy when some task must be polled
     * @param listener told of every failure
     * @param queueWait the transport's wait, or {@code null} to always poll
     * @param queueWaitNanos the longest single queue wait (a wake-up may wait this long)
     */
    public Watcher(String threadName, Supplier<IdleStrategy> idleStrategies, FailureListener listener,
            QueueWait queueWait, long queueWaitNanos) {
        this.queueWait = queueWait;
        this.queueWaitNanos = queueWaitNanos;
        this.threadName = threadName;
        this.idleStrategies = idleStrategies;
        this.listener = listener;
    }

    /**
     * Adds a task and starts the thread if needed (or again, if it died).
     *
     * @param task the task
     * @throws IllegalStateException if the watcher is closed
     */
    public void add(WatchTask task) {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("watcher closed: thread=" + threadName);
            }
            boolean present = false;
            for (Entry entry : tasks) {
                present |= entry.task == task;
            }
            if (!present) {
                tasks.add(new Entry(task));
            }
            ensureRunning();
        }
        LockSupport.unpark(thread);
    }

    /** Wakes the thread if it is parked, so new work is seen at once; starts it again if it died. */
    public void wake() {
        Thread t = thread;
        if (t != null && !t.isAlive() && !closed) {
            synchronized (lifecycle) {
                ensureRunning();
            }
            t = thread;
        }
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

    /**
     * How many times a task (or the loop) failed.
     *
     * @return the count
     */
    public long failures() {
        return failures.get();
    }

    /**
     * How many times the thread died and was started again.
     *
     * @return the count
     */
    public long restarts() {
        return restarts.get();
    }

    /** Starts the thread if there is none or it died; callers hold {@link #lifecycle}. */
    private void ensureRunning() {
        Thread current = thread;
        if (closed || tasks.isEmpty() || current != null && current.isAlive() && current != Thread.currentThread()) {
            return;
        }
        if (current != null) {
            restarts.incrementAndGet();
        }
        Thread t = new Thread(this::loop, threadName);
        t.setDaemon(true);
        t.setUncaughtExceptionHandler(this::died);
        thread = t;
        try {
            t.start();
        } catch (Throwable cannotStart) {
            // e.g. no memory for a thread: the next add or wake tries again
            LOG.error("cannot start watcher thread: thread={}", threadName, cannotStart);
        }
    }

    private void died(Thread dead, Throwable cause) {
        failures.incrementAndGet();
        try {
            LOG.error("watcher thread died, starting it again: thread={}", dead.getName(), cause);
        } catch (Throwable ignored) {
            // still restart
        }
        synchronized (lifecycle) {
            if (thread == dead) {
                ensureRunning();
            }
        }
    }

    private void loop() {
        IdleStrategy idle = idleStrategies.get();
        Thread self = Thread.currentThread();
        while (!closed && thread == self) {
            try {
                int work = 0;
                for (Entry entry : tasks) {
                    work += entry.poll();
                }
                if (work == 0 && queueWait != null && awaitQueues()) {
                    idle.reset();
                    continue;
                }
                idle.idle(work);
            } catch (Throwable loopFailure) {
                // e.g. a fault on a mapping that the JVM reports late, after the task returned
                failed(null, loopFailure);
            }
        }
    }

    /**
     * Waits on the tasks' queues if every task names what it waits for and some name a queue.
     *
     * @return {@code false} if the watcher must idle by polling instead
     */
    private boolean awaitQueues() {
        if (queueWaitPaused) {
            if (System.nanoTime() - queueWaitPausedUntil < 0) {
                return false;
            }
            queueWaitPaused = false;
        }
        List<MessageQueue> queues = new ArrayList<>();
        for (Entry entry : tasks) {
            List<MessageQueue> waits = entry.backoffNanos != 0 ? null : entry.task.waitsOn();
            if (waits == null) {
                return false;
            }
            queues.addAll(waits);
        }
        if (queues.isEmpty()) {
            return false;
        }
        try {
            queueWait.await(queues, System.nanoTime() + queueWaitNanos);
        } catch (RuntimeException failure) {
            // a damaged queue: its task reports that when it polls; poll for a while
            queueWaitPaused = true;
            queueWaitPausedUntil = System.nanoTime() + QUEUE_WAIT_PAUSE_NANOS;
            return false;
        }
        return true;
    }

    private void failed(WatchTask task, Throwable failure) {
        failures.incrementAndGet();
        listener.taskFailed(task, failure);
    }

    @Override
    public void close() {
        Thread t;
        synchronized (lifecycle) {
            closed = true;
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

    /** One task and its back-off after failures. Touched only by the watcher thread. */
    private final class Entry {
        final WatchTask task;
        long backoffNanos;
        long retryAt;

        Entry(WatchTask task) {
            this.task = task;
        }

        int poll() {
            if (backoffNanos != 0 && System.nanoTime() - retryAt < 0) {
                return 0;
            }
            int work;
            try {
                work = task.doWork();
                backoffNanos = 0;
                if (task.isDone()) {
                    tasks.remove(this);
                }
            } catch (Throwable failure) {
                backoffNanos = backoffNanos == 0 ? FIRST_BACKOFF_NANOS : Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
                retryAt = System.nanoTime() + backoffNanos;
                failed(task, failure);
                return 1;
            }
            return work;
        }
    }
}
