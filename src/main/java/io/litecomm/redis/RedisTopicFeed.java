package io.litecomm.redis;

import io.litecomm.spi.CorruptStorageException;
import io.litecomm.spi.SharedStore;
import io.litecomm.spi.TransportException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.StreamEntryID;

/**
 * One process's reader of the published stream: a thread that waits for new entries through the
 * process's {@link RedisWaiter} (no request while nothing is published), fetches them in batches of
 * {@link #BATCH} with {@code XRANGE} and keeps them in a local buffer of at most the
 * {@code pubSubCapacity} bytes (counted in frames, as on the server). {@link SharedStore.TopicReader}s
 * read that buffer alone, so a poll with nothing new is a volatile read. A reader that finds the
 * next position it wanted gone, trimmed on the server before the feed fetched it or dropped from
 * the full local buffer before the reader read it, is told exactly how many it missed: positions
 * are the stream's sequence numbers, one per message.
 *
 * <p>If the server loses the stream (a restart without persistence) its sequence numbers start
 * again; the feed notices the next time it is woken without a new entry (the waiter's connection
 * drops with the server) and shifts the positions it hands out so that they keep growing.
 */
final class RedisTopicFeed implements AutoCloseable {

    /** Most entries one fetch asks for. */
    static final int BATCH = 256;
    private static final Logger LOG = LoggerFactory.getLogger(RedisTopicFeed.class);
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long MAX_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final byte[] TOPIC = RedisKeys.bytes("topic");
    private static final byte[] PAYLOAD = RedisKeys.bytes("payload");

    private final RedisServer server;
    private final RedisWaiter waiter;
    private final String streamKey;
    private final byte[] stream;
    private final int capacity;
    private final Map<String, String> types;
    private final Thread thread;
    private final ReentrantLock lock = new ReentrantLock();
    /** Buffered entries from {@link #head}; guarded by {@link #lock}. */
    private final ArrayList<Entry> entries = new ArrayList<>();
    private int head;
    /** Index of the entry at {@link #head}; indexes count every entry the feed buffered. Guarded by {@link #lock}. */
    private long firstIndex;
    private long keptBytes;
    /** Index the next buffered entry gets; written under {@link #lock}. */
    private volatile long endIndex;
    /** A position is the stream's sequence number plus this; grows when the stream starts again. Guarded by {@link #lock}. */
    private long offset;
    /** Sequence number of the newest entry fetched; the feed thread's alone. */
    private long lastSeq;
    private volatile CorruptStorageException failure;
    private volatile boolean closed;
    private final List<Runnable> listeners;

    /** One buffered message. */
    private record Entry(long position, String topic, byte[] payload, int frame) {
    }

    RedisTopicFeed(RedisServer server, RedisWaiter waiter, String streamKey, int capacity, String threadName,
            long startAfter, List<Runnable> listeners) {
        this.listeners = listeners;
        this.server = server;
        this.waiter = waiter;
        this.streamKey = streamKey;
        this.stream = RedisKeys.bytes(streamKey);
        this.capacity = capacity;
        this.types = Map.of(streamKey, "stream");
        this.lastSeq = startAfter;
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler((t, e) -> LOG.error("pub/sub reader thread died: server={} stream={}",
                server.name(), streamKey, e));
    }

    void start() {
        thread.start();
    }

    /** What is added to a sequence number to make a position. */
    long offset() {
        lock.lock();
        try {
            return offset;
        } finally {
            lock.unlock();
        }
    }

    /**
     * A reader that delivers the messages after sequence number {@code serverLast}.
     *
     * @param serverLast the newest sequence number on the server when the caller looked
     * @return the reader
     */
    SharedStore.TopicReader reader(long serverLast) {
        lock.lock();
        try {
            long next = serverLast + offset + 1;
            long index = endIndex;
            while (index > firstIndex && at(index - 1).position() >= next) {
                index--;
            }
            return new Reader(next, index);
        } finally {
            lock.unlock();
        }
    }

    private Entry at(long index) {
        return entries.get(head + (int) (index - firstIndex));
    }

    /** The sequence number of an id {@code 0-SEQ}. */
    static long sequence(RedisServer server, String key, Object id) {
        String text = RedisServer.text(id);
        int dash = text.indexOf('-');
        try {
            if (dash > 0 && Long.parseLong(text.substring(0, dash)) == 0) {
                return Long.parseLong(text.substring(dash + 1));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CorruptStorageException(server.name() + " key " + key,
                "not a litecomm published stream: an entry id not of the form 0-SEQ: id=" + text + " key=" + key);
    }

    private void run() {
        boolean woken = false;
        long pause = 0;
        long retry = 0;
        while (!closed) {
            Thread.interrupted();
            try {
                int got = fetch();
                retry = 0;
                if (got > 0) {
                    pause = 0;
                    woken = false;
                    if (got == BATCH) {
                        continue;
                    }
                } else if (woken) {
                    checkRestarted();
                    pause = pause(pause);
                }
                woken = true;
                waiter.await(List.of(streamKey), List.of(new StreamEntryID(0, lastSeq)), Long.MAX_VALUE);
            } catch (CorruptStorageException e) {
                if (damaged(e)) {
                    LOG.warn("pub/sub stream damaged; trying again every second: {}", e.getMessage());
                }
                woken = false;
                LockSupport.parkNanos(this, MAX_PAUSE_NANOS);
            } catch (TransportException e) {
                if (!closed) {
                    LOG.debug("pub/sub reader: server call failed, trying again: server={} problem={}", server.name(),
                            e.getMessage());
                    woken = true;
                    retry = retry == 0 ? RETRY_NANOS : Math.min(MAX_PAUSE_NANOS, retry * 2);
                    LockSupport.parkNanos(this, retry);
                }
            }
        }
    }

    /**
     * Fetches the entries after the newest one fetched, at most {@link #BATCH}, into the buffer. The
     * feed's thread calls it; a test may call it on a feed it did not start.
     *
     * @return how many entries came
     */
    int fetch() {
        List<Object> got = RedisStoreReplies.call(server, "read published messages", types,
                jedis -> jedis.xrange(stream, RedisKeys.bytes("(0-" + lastSeq), RedisKeys.bytes("+"), BATCH));
        if (got == null || got.isEmpty()) {
            return 0;
        }
        append(got);
        return got.size();
    }

    /**
     * Records a damage for the readers (each reports it once) and tells the listeners, unless it is
     * the same problem as the last one recorded.
     *
     * @return whether it was new
     */
    private boolean damaged(CorruptStorageException e) {
        CorruptStorageException last = failure;
        if (last != null && last.getMessage().equals(e.getMessage())) {
            return false;
        }
        failure = e;
        tell();
        return true;
    }

    /** Pauses after a wake-up that brought nothing, longer each time in a row, at most a second. */
    private long pause(long previous) {
        if (previous > 0 && !closed) {
            LockSupport.parkNanos(this, previous);
        }
        return previous == 0 ? TimeUnit.MILLISECONDS.toNanos(10) : Math.min(MAX_PAUSE_NANOS, previous * 2);
    }

    /** The stream's newest entry is older than one fetched: the server lost the stream and began again. */
    private void checkRestarted() {
        List<Object> last = RedisStoreReplies.call(server, "read the end of the published stream", types,
                jedis -> jedis.xrevrange(stream, RedisKeys.bytes("+"), RedisKeys.bytes("-"), 1));
        long newest = last == null || last.isEmpty() ? 0 : sequence(server, streamKey, ((List<?>) last.get(0)).get(0));
        if (newest < lastSeq) {
            LOG.info("published stream began again on the server (restarted or dropped): server={} stream={}"
                    + " lastSeen={} newest={}", server.name(), streamKey, lastSeq, newest);
            lock.lock();
            try {
                offset += lastSeq;
            } finally {
                lock.unlock();
            }
            lastSeq = 0;
            waiter.forget(streamKey);
        }
    }

    private void append(List<Object> got) {
        List<Entry> batch = new ArrayList<>(got.size());
        long seq = lastSeq;
        for (Object raw : got) {
            List<?> entry = (List<?>) raw;
            seq = sequence(server, streamKey, entry.get(0));
            byte[] topic = null;
            byte[] payload = null;
            List<?> fields = (List<?>) entry.get(1);
            for (int i = 0; i + 1 < fields.size(); i += 2) {
                byte[] name = (byte[]) fields.get(i);
                if (java.util.Arrays.equals(name, TOPIC)) {
                    topic = (byte[]) fields.get(i + 1);
                } else if (java.util.Arrays.equals(name, PAYLOAD)) {
                    payload = (byte[]) fields.get(i + 1);
                }
            }
            if (topic == null || payload == null) {
                // skipped: its position stays a hole, which readers count as missed
                CorruptStorageException e = new CorruptStorageException(server.name() + " key " + streamKey,
                        "not a litecomm published stream: an entry without topic or payload, skipped: id="
                        + RedisServer.text(entry.get(0)) + " key=" + streamKey);
                if (damaged(e)) {
                    LOG.warn("{}", e.getMessage());
                }
                continue;
            }
            batch.add(new Entry(seq, new String(topic, StandardCharsets.UTF_8), payload,
                    RedisPubSub.frame(topic.length, payload.length)));
        }
        lastSeq = seq;
        lock.lock();
        try {
            for (Entry entry : batch) {
                entries.add(new Entry(entry.position() + offset, entry.topic(), entry.payload(), entry.frame()));
                keptBytes += entry.frame();
                while (keptBytes > capacity && entries.size() - head > 1) {
                    keptBytes -= entries.get(head).frame();
                    entries.set(head, null);
                    head++;
                    firstIndex++;
                }
            }
            if (head > 64 && head > entries.size() / 2) {
                entries.subList(0, head).clear();
                head = 0;
            }
            endIndex = firstIndex + (entries.size() - head);
        } finally {
            lock.unlock();
        }
        tell();
    }

    /** Runs the listeners: something new for the readers. A listener that throws is logged; the others still run. */
    private void tell() {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.warn("pub/sub listener failed: stream={}", streamKey, e);
            }
        }
    }

    /** Stops the thread; readers keep what was buffered. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("pub/sub reader thread did not stop within 5 s: thread={}", thread.getName());
        }
    }

    /** A subscriber position in the local buffer. Not thread-safe. */
    private final class Reader implements SharedStore.TopicReader {
        /** The position the reader wants next. */
        private long next;
        /** The buffer index to look at next. */
        private long index;
        private CorruptStorageException reported;

        Reader(long next, long index) {
            this.next = next;
            this.index = index;
            this.reported = failure;
        }

        @Override
        public int poll(SharedStore.TopicSink sink, int limit) {
            CorruptStorageException damaged = failure;
            if (damaged != null && damaged != reported) {
                reported = damaged;
                throw damaged;
            }
            if (index >= endIndex || limit <= 0) {
                return 0;
            }
            List<Entry> batch = new ArrayList<>(Math.min(limit, 64));
            long missed = 0;
            lock.lock();
            try {
                index = Math.max(index, firstIndex);
                long end = endIndex;
                while (index < end && batch.size() < limit) {
                    Entry entry = at(index);
                    index++;
                    if (entry.position() < next) {
                        continue;
                    }
                    missed += entry.position() - next;
                    next = entry.position() + 1;
                    batch.add(entry);
                }
            } finally {
                lock.unlock();
            }
            if (missed > 0) {
                sink.missed(missed);
            }
            for (Entry entry : batch) {
                sink.message(entry.position(), entry.topic(), entry.payload().clone());
            }
            return batch.size();
        }
    }
}
