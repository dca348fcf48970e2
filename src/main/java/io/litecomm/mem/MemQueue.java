package io.litecomm.mem;

import io.litecomm.spi.MessageQueue;
import io.litecomm.spi.WaitMode;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One transport's handle on a queue of its domain. Offers copy the payload; a poll hands the
 * stored copy to the caller. Thread-safe: every access holds the domain's lock, briefly.
 */
final class MemQueue implements MessageQueue {

    private final MemTransport transport;
    private final MemDomain domain;
    private final MemQueueState state;
    private final ReentrantLock lock;

    MemQueue(MemTransport transport, MemDomain domain, MemQueueState state) {
        this.transport = transport;
        this.domain = domain;
        this.state = state;
        this.lock = domain.lock();
    }

    MemTransport transport() {
        return transport;
    }

    /** Whether a poll would find a message, or the queue is closed; the caller holds the lock. */
    boolean readyToReadLocked() {
        return state.closed || !state.isEmpty();
    }

    @Override
    public String name() {
        return state.name;
    }

    @Override
    public String location() {
        return state.location;
    }

    @Override
    public String typeDescriptor() {
        return state.spec.typeDescriptor();
    }

    @Override
    public int maxMessageLength() {
        return state.spec.maxMessageLength();
    }

    @Override
    public int offer(byte[] payload) {
        int length = payload.length;
        if (length > state.spec.maxMessageLength()) {
            throw new IllegalArgumentException("message too large: length=" + length + " max="
                    + state.spec.maxMessageLength() + " queue=" + state.location);
        }
        byte[] copy = payload.clone();
        lock.lock();
        try {
            if (state.closed) {
                return CLOSED;
            }
            if (!state.fits(length)) {
                return FULL;
            }
            state.add(copy);
            domain.signalReadable();
            return OFFERED;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public byte[] poll() {
        lock.lock();
        try {
            byte[] message = state.take();
            if (message != null) {
                domain.signalWritable();
            }
            return message;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean close() {
        lock.lock();
        try {
            return domain.closeLocked(state);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isClosed() {
        lock.lock();
        try {
            return state.closed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isClosedAndDrained() {
        lock.lock();
        try {
            return state.closed && state.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int size() {
        lock.lock();
        try {
            return state.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isReplaced() {
        return domain.isReplaced(state);
    }

    @Override
    public void awaitReadable(long deadlineNanos, WaitMode mode) {
        domain.await(false, this::readyToReadLocked, transport, deadlineNanos);
    }

    @Override
    public void awaitWritable(int length, long deadlineNanos, WaitMode mode) {
        domain.await(true, () -> state.closed || length > state.spec.maxMessageLength() || state.fits(length),
                transport, deadlineNanos);
    }

    @Override
    public void release() {
        // nothing is held per handle: the queue lives in its domain
    }

    @Override
    public String toString() {
        return "MemQueue[" + state.location + "]";
    }
}
