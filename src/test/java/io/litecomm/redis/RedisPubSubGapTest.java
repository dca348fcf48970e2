package io.litecomm.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.spi.SharedStore;
import io.litecomm.testing.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Pub/sub gaps are counted exactly: a reader whose process fetched only after the server trimmed
 * the stream, and a reader that fell behind its process's full local buffer, are each told the
 * exact number they missed and then get the newest messages in order; a reader whose waiter
 * connection is killed again and again while messages are published misses none.
 */
@Timeout(60)
class RedisPubSubGapTest extends RedisStoreDomainTest {

    /** 24 + 1 + 100 bytes: a frame of 128, so 32 messages fill 4096 bytes. */
    private static byte[] message(int i) {
        return String.format("%0100d", i).getBytes(StandardCharsets.UTF_8);
    }

    /** Collects what a reader delivers. */
    private static final class Sink implements SharedStore.TopicSink {
        final List<Long> positions = new ArrayList<>();
        final List<Integer> numbers = new ArrayList<>();
        final AtomicLong missed = new AtomicLong();

        @Override
        public void message(long position, String topic, byte[] payload) {
            positions.add(position);
            numbers.add(Integer.parseInt(new String(payload, StandardCharsets.UTF_8)));
        }

        @Override
        public void missed(long count) {
            missed.addAndGet(count);
        }

        long seen() {
            return numbers.size() + missed.get();
        }
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }

    @Test
    void aFeedThatFetchesAfterTheServerTrimmedCountsTheExactGap() {
        RedisTransport subscriber = open();
        RedisPubSub pubSub = new RedisPubSub(subscriber);
        long last = pubSub.serverLast();
        // a feed that is not started: it fetches when the test says, long after the trim
        RedisTopicFeed feed = new RedisTopicFeed(subscriber.server(), subscriber.waiter(), subscriber.keys().published(),
                1 << 20, "test-feed", last, List.of());
        SharedStore.TopicReader reader = feed.reader(last);
        SharedStore publisher = open(Map.of("pubSubCapacity", "4096")).sharedStore();
        int published = 200;
        for (int i = 0; i < published; i++) {
            publisher.publish("t", message(i));
        }
        try (Jedis jedis = server.jedis()) {
            assertEquals(32, jedis.xlen(key("ps")), "the server keeps what fits 4096 bytes: 32 frames of 128");
        }
        assertEquals(32, feed.fetch());
        Sink sink = new Sink();
        assertEquals(32, reader.poll(sink, 100));
        assertEquals(published - 32, sink.missed.get(), "exactly the trimmed messages are missed");
        assertEquals(range(published - 32, published), sink.numbers, "then the newest, in order");
        for (int i = 1; i < sink.positions.size(); i++) {
            assertEquals(sink.positions.get(i - 1) + 1, sink.positions.get(i), "positions are sequence numbers");
        }
        assertEquals(0, reader.poll(sink, 100));
        publisher.publish("t", message(published));
        assertEquals(1, feed.fetch());
        assertEquals(1, reader.poll(sink, 100));
        assertEquals(published - 32, sink.missed.get(), "nothing more missed");
        assertEquals(published, sink.numbers.get(sink.numbers.size() - 1));
    }

    @Test
    void aReaderBehindItsProcesssFullBufferCountsTheExactGap() {
        SharedStore subscriber = open(Map.of("pubSubCapacity", "4096")).sharedStore();
        SharedStore.TopicReader keeper = subscriber.newReader();
        SharedStore.TopicReader laggard = subscriber.newReader();
        SharedStore publisher = open().sharedStore();
        int published = 100;
        for (int i = 0; i < published; i++) {
            publisher.publish("t", message(i));
        }
        Sink kept = new Sink();
        await(() -> {
            keeper.poll(kept, 64);
            return kept.seen() >= published;
        }, () -> "the keeping reader did not see every message: got=" + kept.numbers.size() + " missed=" + kept.missed);
        assertEquals(published, kept.seen());
        Sink lagged = new Sink();
        int got = 0;
        for (int read = laggard.poll(lagged, 10); read > 0; read = laggard.poll(lagged, 10)) {
            got += read;
        }
        assertEquals(32, got, "the local buffer keeps 4096 bytes: 32 frames of 128");
        assertEquals(published - 32, lagged.missed.get(), "exactly the messages dropped from the buffer are missed");
        assertEquals(range(published - 32, published), lagged.numbers);
    }

    @Test
    void aSlowSubscriberOfAPublishingChildJvmCountsTheExactGap(@TempDir Path logs) {
        SharedStore subscriber = open(Map.of("pubSubCapacity", "4096")).sharedStore();
        SharedStore.TopicReader keeper = subscriber.newReader();
        SharedStore.TopicReader laggard = subscriber.newReader();
        int published = 100;
        try (ChildJvm child = ChildJvm.start(logs, Publisher.class, domain.toString(), Integer.toString(published))) {
            child.awaitSuccess(WAIT);
        }
        Sink kept = new Sink();
        await(() -> {
            keeper.poll(kept, 64);
            return kept.seen() >= published;
        }, () -> "the keeping reader did not see every message: got=" + kept.numbers.size() + " missed=" + kept.missed);
        Sink lagged = new Sink();
        while (laggard.poll(lagged, 10) > 0) {
            // drain
        }
        assertEquals(published - 32, lagged.missed.get(), "exactly the messages dropped from the buffer are missed");
        assertEquals(range(published - 32, published), lagged.numbers, "then the newest 32, in order");
    }

    /** A child process: publishes {@code N} numbered messages on the domain it is given. */
    public static final class Publisher {
        private Publisher() {
        }

        /**
         * Publishes.
         *
         * @param args domain URI, count
         */
        public static void main(String[] args) {
            ChildJvm.haltWhenParentGone();
            try (RedisTransport transport = RedisTransport.open(new io.litecomm.spi.TransportContext(
                    java.net.URI.create(args[0]), Map.of(), new com.fasterxml.jackson.databind.ObjectMapper(),
                    java.time.Duration.ofMillis(1)))) {
                SharedStore store = transport.sharedStore();
                for (int i = 0; i < Integer.parseInt(args[1]); i++) {
                    store.publish("t", message(i));
                }
            }
        }
    }

    @Test
    void killingTheWaiterConnectionLosesNoMessage() throws Exception {
        RedisTransport subscriberTransport = open();
        SharedStore subscriber = subscriberTransport.sharedStore();
        SharedStore.TopicReader reader = subscriber.newReader();
        SharedStore publisher = open().sharedStore();
        String waiterName = "litecomm-" + ProcessHandle.current().pid() + "-"
                + subscriberTransport.process().substring(0, 8) + "-waiter";
        int published = 300;
        Sink sink = new Sink();
        try (Jedis admin = server.jedis()) {
            for (int i = 0; i < published; i++) {
                publisher.publish("t", message(i));
                if (i % 50 == 25) {
                    await(() -> admin.clientList().contains("name=" + waiterName + " "),
                            () -> "the waiter connection is not there: name=" + waiterName);
                    killByName(admin, waiterName);
                    reader.poll(sink, 1000);
                }
            }
        }
        await(() -> {
            reader.poll(sink, 1000);
            return sink.seen() >= published;
        }, () -> "messages not read after the waiter reconnected: got=" + sink.numbers.size() + " missed=" + sink.missed);
        assertEquals(0, sink.missed.get());
        assertEquals(range(0, published), sink.numbers);
    }

    private static void killByName(Jedis admin, String name) {
        for (String line : admin.clientList().split("\n")) {
            if (line.contains(" name=" + name + " ")) {
                String id = line.substring(3, line.indexOf(' '));
                admin.clientKill(redis.clients.jedis.params.ClientKillParams.clientKillParams().id(id));
            }
        }
    }

    @Test
    void theListenerRunsOnceTheNewMessagesCanBeRead() throws Exception {
        SharedStore subscriber = open().sharedStore();
        SharedStore.TopicReader reader = subscriber.newReader();
        java.util.concurrent.Semaphore told = new java.util.concurrent.Semaphore(0);
        assertTrue(subscriber.notifyOnPublish(told::release), "the store tells of new messages");
        SharedStore publisher = open().sharedStore();
        Sink sink = new Sink();
        for (int i = 0; i < 5; i++) {
            publisher.publish("t", message(i));
            assertTrue(told.tryAcquire(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS),
                    "the listener did not run for message " + i);
            told.drainPermits();
            int read = 0;
            for (int got = reader.poll(sink, 10); got > 0; got = reader.poll(sink, 10)) {
                read += got;
            }
            assertTrue(sink.numbers.contains(i), "message " + i + " readable when the listener ran: read=" + read
                    + " numbers=" + sink.numbers);
        }
        assertEquals(range(0, 5), sink.numbers);
    }

    @Test
    void closingTheTransportStopsItsFeedThread() {
        RedisTransport transport = RedisTransport.open(new io.litecomm.spi.TransportContext(domain, Map.of(),
                new com.fasterxml.jackson.databind.ObjectMapper(), java.time.Duration.ofMillis(1)));
        String threadName = "litecomm-pubsub-" + transport.process().substring(0, 8);
        try {
            transport.sharedStore().newReader();
            assertTrue(threadAlive(threadName), "a reader starts the feed thread");
        } finally {
            transport.close();
        }
        assertFalse(threadAlive(threadName), "close stops the feed thread");
    }

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}
