package io.litecomm.mem;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.spi.QueueSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * One {@code mem:} domain: its queues, guarded by one lock whose two conditions wake waiters
 * (readable: an offer or a close; writable: a poll or a close), and its store. Shared by every
 * transport open on the name.
 */
final class MemDomain {

    /** Longest single wait before a waiter returns to its caller, which looks at its own state. */
    static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    private final TreeMap<String, MemQueueState> queues = new TreeMap<>();
    private final MemStore store;
    /** Open transports on this domain; guarded by {@link MemDomains}' lock. */
    int references;

    MemDomain(String name, int pubSubCapacity, ObjectMapper objectMapper) {
        this.name = name;
        this.store = new MemStore("mem:" + name, objectMapper, pubSubCapacity);
    }

    String name() {
        return name;
    }

    MemStore store() {
        return store;
    }

    ReentrantLock lock() {
        return lock;
    }

    /** The queue of a name, created with {@code spec} if absent: the first creator's spec wins. */
    MemQueueState openOrCreate(String queueName, QueueSpec spec) {
        lock.lock();
        try {
            return queues.computeIfAbsent(queueName, n -> new MemQueueState(n, "mem:" + name + "/" + n, spec));
        } finally {
            lock.unlock();
        }
    }

    MemQueueState existing(String queueName) {
        lock.lock();
        try {
            return queues.get(queueName);
        } finally {
            lock.unlock();
        }
    }

    List<String> list() {
        lock.lock();
        try {
            return new ArrayList<>(queues.keySet());
        } finally {
            lock.unlock();
        }
    }

    /** Closes and removes a queue: holders see it closed (and replaced), the name is free. */
    boolean delete(String queueName) {
        lock.lock();
        try {
            MemQueueState state = queues.remove(queueName);
            if (state == null) {
                return false;
            }
            state.deleted = true;
            closeLocked(state);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code state} is no longer the queue a fresh open of its name would find. */
    boolean isReplaced(MemQueueState state) {
        lock.lock();
        try {
            return state.deleted || queues.get(state.name) != state;
        } finally {
            lock.unlock();
        }
    }

    /** Marks a queue closed and wakes every waiter; the caller holds the lock. */
    boolean closeLocked(MemQueueState state) {
        if (state.closed) {
            return false;
        }
        state.closed = true;
        readable.signalAll();
        writable.signalAll();
        return true;
    }

    void signalReadable() {
        readable.signalAll();
    }

    void signalWritable() {
        writable.signalAll();
    }

    /** Wakes every waiter (a transport closed: its waiters must return). */
    void wakeAll() {
        lock.lock();
        try {
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits on a condition of this domain until {@code ready}, the waiter's transport closes, the
     * deadline passes, the thread is interrupted (its status kept), or {@link #MAX_WAIT_NANOS}.
     */
    void await(boolean forWriting, BooleanSupplier ready, MemTransport waiter, long deadlineNanos) {
        if (Thread.currentThread().isInterrupted()) {
            return;
        }
        Condition condition = forWriting ? writable : readable;
        long start = System.nanoTime();
        lock.lock();
        try {
            while (!ready.getAsBoolean() && !waiter.isClosed()) {
                long now = System.nanoTime();
                long left = MAX_WAIT_NANOS - (now - start);
                if (deadlineNanos != Long.MAX_VALUE) {
                    left = Math.min(left, deadlineNanos - now);
                }
                if (left <= 0) {
                    return;
                }
                condition.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** The last transport closed: every queue is closed and forgotten, the store emptied. */
    void drop() {
        lock.lock();
        try {
            for (MemQueueState state : queues.values()) {
                state.deleted = true;
                closeLocked(state);
                state.clear();
            }
            queues.clear();
        } finally {
            lock.unlock();
        }
        store.clear();
    }
}
