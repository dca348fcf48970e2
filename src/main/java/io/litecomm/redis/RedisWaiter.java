package io.litecomm.redis;

import io.litecomm.spi.TransportException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The one connection of a process that blocks on the server: a thread that reads
 * {@code XREAD BLOCK} on every stream some local thread waits on (channels' signal streams, the
 * pub/sub stream) plus this process's own wake-up stream, in slices of at most
 * {@link #SLICE_MILLIS}, and wakes the local threads whose stream moved. Deadlines stay with the
 * waiting threads; the server is never polled. A local thread that starts to wait on a stream the
 * blocked read does not cover adds an entry to the wake-up stream, so the read starts again with it.
 */
final class RedisWaiter implements AutoCloseable {

    /** Longest single blocking read on the server. */
    static final int SLICE_MILLIS = 1000;
    /**
     * How long the read keeps covering a stream after its last waiter left, so that the next wait on it
     * (a receive loop's) finds the read already blocked on the server and costs no round trip.
     */
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final Logger LOG = LoggerFactory.getLogger(RedisWaiter.class);
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final StreamEntryID ZERO = new StreamEntryID(0, 0);
    private static final long WAKE_EXPIRY_MILLIS = TimeUnit.MINUTES.toMillis(1);

    private final RedisServer server;
    private final String wakeKey;
    private final String clientName;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Registration> registrations = new ArrayList<>();
    /** What the read now blocked on covers: stream to the id it reads after. Guarded by {@link #lock}. */
    private Map<String, StreamEntryID> watching = Map.of();
    /** The newest id the waiter has seen per stream. Guarded by {@link #lock}. */
    private final Map<String, StreamEntryID> latest = new HashMap<>();
    /** Streams recently waited on: stream to the {@link System#nanoTime()} its last waiter left. Guarded by {@link #lock}. */
    private final Map<String, Long> lingering = new HashMap<>();
    private boolean blocked;
    private StreamEntryID wakeSeen = ZERO;
    private Thread thread;
    private volatile boolean closed;
    private volatile Jedis connection;

    RedisWaiter(RedisServer server, String wakeKey, String clientName) {
        this.server = server;
        this.wakeKey = wakeKey;
        this.clientName = clientName;
    }

    /**
     * Waits until one of {@code streams} has an entry after the matching id of {@code afterIds}, or
     * the deadline passes, or the thread is interrupted (status kept), or the transport closes, or the
     * thread is unparked. May return early.
     *
     * @param streams stream keys
     * @param afterIds for each, the newest id the caller has seen ({@code 0-0} for none)
     * @param deadlineNanos {@link System#nanoTime()} to give up at; {@link Long#MAX_VALUE} for none
     */
    void await(List<String> streams, List<StreamEntryID> afterIds, long deadlineNanos) {
        if (closed || Thread.currentThread().isInterrupted()) {
            return;
        }
        Registration registration = new Registration(Thread.currentThread(), streams, afterIds);
        boolean wakeServer = false;
        lock.lock();
        try {
            for (int i = 0; i < streams.size(); i++) {
                StreamEntryID seen = latest.get(streams.get(i));
                if (seen != null && seen.compareTo(afterIds.get(i)) > 0) {
                    return;
                }
            }
            registrations.add(registration);
            ensureThread();
            if (blocked) {
                for (int i = 0; i < streams.size() && !wakeServer; i++) {
                    StreamEntryID covered = watching.get(streams.get(i));
                    wakeServer = covered == null || covered.compareTo(afterIds.get(i)) > 0;
                }
            } else {
                LockSupport.unpark(thread);
            }
        } finally {
            lock.unlock();
        }
        try {
            if (wakeServer) {
                ringWake();
            }
            // one park: an unpark also ends the wait (the watcher wakes itself this way), and the caller looks again
            if (!registration.fired && !closed && !Thread.currentThread().isInterrupted()) {
                if (deadlineNanos == Long.MAX_VALUE) {
                    LockSupport.park(this);
                } else {
                    long left = deadlineNanos - System.nanoTime();
                    if (left > 0) {
                        LockSupport.parkNanos(this, left);
                    }
                }
            }
        } finally {
            lock.lock();
            try {
                registrations.remove(registration);
                long now = System.nanoTime();
                for (int i = 0; i < streams.size(); i++) {
                    lingering.put(streams.get(i), now);
                    latest.merge(streams.get(i), afterIds.get(i), (a, b) -> a.compareTo(b) >= 0 ? a : b);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Ends the blocked read; the wake-up stream expires a minute after its last use (a killed process leaves none). */
    private void ringWake() {
        server.call("wake this process's waiter", jedis -> {
            redis.clients.jedis.Pipeline pipeline = jedis.pipelined();
            pipeline.xadd(wakeKey, XAddParams.xAddParams().maxLen(1), Map.of("w", "1"));
            pipeline.pexpire(wakeKey, WAKE_EXPIRY_MILLIS);
            pipeline.sync();
            return null;
        });
    }

    private void ensureThread() {
        if (thread == null && !closed) {
            thread = new Thread(this::run, clientName);
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void run() {
        Jedis jedis = null;
        while (!closed) {
            Map<String, StreamEntryID> reads = new HashMap<>();
            lock.lock();
            try {
                for (Registration registration : registrations) {
                    for (int i = 0; i < registration.streams.size(); i++) {
                        reads.merge(registration.streams.get(i), registration.afterIds.get(i),
                                (a, b) -> a.compareTo(b) <= 0 ? a : b);
                    }
                }
                long now = System.nanoTime();
                lingering.values().removeIf(left -> now - left > LINGER_NANOS);
                for (String stream : lingering.keySet()) {
                    StreamEntryID seen = latest.get(stream);
                    if (seen != null) {
                        reads.putIfAbsent(stream, seen);
                    }
                }
                if (reads.isEmpty()) {
                    blocked = false;
                    watching = Map.of();
                } else {
                    blocked = true;
                    watching = Map.copyOf(reads);
                }
            } finally {
                lock.unlock();
            }
            if (reads.isEmpty()) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(SLICE_MILLIS));
                continue;
            }
            reads.put(wakeKey, wakeSeen);
            try {
                if (jedis == null) {
                    jedis = server.dedicated(clientName, SLICE_MILLIS);
                    connection = jedis;
                    if (closed) {
                        break;
                    }
                }
                List<Map.Entry<String, List<StreamEntry>>> got =
                        jedis.xread(XReadParams.xReadParams().block(SLICE_MILLIS).count(1), reads);
                if (got != null) {
                    delivered(got);
                }
            } catch (TransportException | redis.clients.jedis.exceptions.JedisException e) {
                RedisServer.closeQuietly(jedis);
                jedis = null;
                connection = null;
                if (!closed) {
                    LOG.debug("waiter connection failed, waking every waiter and connecting again: server={} problem={}",
                            server.name(), e.toString());
                    fireAll();
                    LockSupport.parkNanos(this, RETRY_NANOS);
                }
            }
        }
        RedisServer.closeQuietly(jedis);
        fireAll();
    }

    private void delivered(List<Map.Entry<String, List<StreamEntry>>> got) {
        lock.lock();
        try {
            for (Map.Entry<String, List<StreamEntry>> stream : got) {
                List<StreamEntry> entries = stream.getValue();
                if (entries == null || entries.isEmpty()) {
                    continue;
                }
                StreamEntryID id = entries.get(entries.size() - 1).getID();
                String key = stream.getKey();
                if (key.equals(wakeKey)) {
                    wakeSeen = id;
                    continue;
                }
                latest.merge(key, id, (a, b) -> a.compareTo(b) >= 0 ? a : b);
                for (Registration registration : registrations) {
                    registration.fireIfAfter(key, id);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void fireAll() {
        lock.lock();
        try {
            for (Registration registration : registrations) {
                registration.fire();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Forgets what the waiter saw of a stream (it was deleted; ids may start again). */
    void forget(String stream) {
        lock.lock();
        try {
            latest.remove(stream);
            lingering.remove(stream);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread t;
        lock.lock();
        try {
            t = thread;
        } finally {
            lock.unlock();
        }
        fireAll();
        if (t == null) {
            return;
        }
        Jedis jedis = connection;
        if (jedis != null) {
            try {
                jedis.disconnect();
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
        LockSupport.unpark(t);
        try {
            t.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            server.call("remove this process's wake-up stream", j -> j.del(wakeKey));
        } catch (TransportException gone) {
            // the server is gone: nothing to clean
        }
    }

    /** One waiting thread. */
    private static final class Registration {
        final Thread thread;
        final List<String> streams;
        final List<StreamEntryID> afterIds;
        volatile boolean fired;

        Registration(Thread thread, List<String> streams, List<StreamEntryID> afterIds) {
            this.thread = thread;
            this.streams = streams;
            this.afterIds = afterIds;
        }

        void fireIfAfter(String stream, StreamEntryID id) {
            for (int i = 0; i < streams.size(); i++) {
                if (streams.get(i).equals(stream) && id.compareTo(afterIds.get(i)) > 0) {
                    fire();
                    return;
                }
            }
        }

        void fire() {
            fired = true;
            LockSupport.unpark(thread);
        }
    }
}
