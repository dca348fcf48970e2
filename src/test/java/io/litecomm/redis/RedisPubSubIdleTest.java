package io.litecomm.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Comm;
import io.litecomm.SharedMemory;
import io.litecomm.spi.SharedStore;
import io.litecomm.testing.RedisTestServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisMonitor;

/**
 * No request storm: a subscribed process, and a reader polled every millisecond, send the server a
 * handful of commands while nothing is published (the waiters' blocking reads, one per second at
 * most each), and a number proportional to the messages while they are. Commands are
 * counted with {@code MONITOR}, those that name the test's domain, leaving out the ones scripts run.
 */
@Timeout(60)
class RedisPubSubIdleTest extends RedisStoreDomainTest {

    private static final long IDLE_MILLIS = 2000;

    /** Counts the commands that name the domain, on a MONITOR connection of its own. */
    private static final class Monitor implements AutoCloseable {
        final AtomicLong commands = new AtomicLong();
        final List<String> seen = new CopyOnWriteArrayList<>();
        final java.util.Map<String, Long> byName = new java.util.concurrent.ConcurrentHashMap<>();
        final Jedis jedis;
        final Thread thread;
        final CountDownLatch started = new CountDownLatch(1);

        Monitor(RedisTestServer server, String domainName) {
            jedis = server.jedis();
            thread = new Thread(() -> {
                try {
                    jedis.monitor(new JedisMonitor() {
                        @Override
                        public void onCommand(String command) {
                            started.countDown();
                            if (command.contains("{" + domainName + "}") && !command.contains(" lua]")) {
                                commands.incrementAndGet();
                                int quote = command.indexOf('"');
                                String name = quote < 0 ? command : command.substring(quote, command.indexOf('"', quote + 1) + 1);
                                byName.merge(name, 1L, Long::sum);
                                if (seen.size() < 20) {
                                    seen.add(command);
                                }
                            }
                        }
                    });
                } catch (RuntimeException closed) {
                    // the test disconnected the monitor
                }
            }, "test-monitor");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() {
            jedis.disconnect();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void anIdleSubscriberSendsAlmostNothingAndABusyOneInProportionToMessages() throws Exception {
        Comm subscriberComm = closeLater(Comm.open(domain));
        Comm publisherComm = closeLater(Comm.open(domain));
        SharedMemory subscriber = subscriberComm.sharedMemory();
        SharedMemory publisher = publisherComm.sharedMemory();
        List<Object> got = new CopyOnWriteArrayList<>();
        subscriber.onSubscriberReceive("t", got::add);
        Monitor monitor = closeLater(new Monitor(server, RedisTestServer.domainOf(domain)));
        try (Jedis jedis = server.jedis()) {
            await(() -> {
                jedis.ping();
                return monitor.started.getCount() == 0;
            }, () -> "MONITOR saw nothing");
        }
        publisher.publish("t", "first");
        await(() -> got.size() == 1, () -> "the first message did not arrive: got=" + got);

        // beside the Comm (whose watcher waits to be told of new messages), a reader polled every millisecond
        SharedStore.TopicReader polled = open().sharedStore().newReader();
        AtomicLong polls = new AtomicLong();
        SharedStore.TopicSink ignore = new SharedStore.TopicSink() {
            @Override
            public void message(long position, String topic, byte[] payload) {
            }

            @Override
            public void missed(long count) {
            }
        };
        long before = monitor.commands.get();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(IDLE_MILLIS);
        while (System.nanoTime() - deadline < 0) {
            polled.poll(ignore, 64);
            polls.incrementAndGet();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        long idleCommands = monitor.commands.get() - before;
        assertTrue(polls.get() > 100, "the reader was polled often: polls=" + polls);
        System.out.println("idle: commands=" + idleCommands + " over " + IDLE_MILLIS + " ms, polls=" + polls);
        // a reader that asked the server on every poll would send one command per poll here (about 2000); the
        // processes' waiters block in slices of a second, a read or two per slice each
        assertTrue(idleCommands <= 6 * (IDLE_MILLIS / RedisWaiter.SLICE_MILLIS) + 10,
                "idle commands=" + idleCommands + " seen=" + monitor.seen);

        int messages = 200;
        before = monitor.commands.get();
        monitor.byName.clear();
        for (int i = 0; i < messages; i++) {
            publisher.publish("t", i);
        }
        await(() -> got.size() == messages + 1, () -> "messages did not arrive: got=" + got.size());
        long busyCommands = monitor.commands.get() - before;
        System.out.println("busy: commands=" + busyCommands + " for " + messages + " messages: " + monitor.byName);
        // each publish is one script; in each of the two reading processes, per batch (at most one per message) the
        // waiter's read returns, the feed fetches, and the waiter may read once more from where it was before the
        // feed caught up: at most three commands per message and process
        int readingProcesses = 2;
        assertTrue(busyCommands <= (1L + 3L * readingProcesses) * messages + 10, "commands while busy=" + busyCommands
                + " messages=" + messages + " by command=" + monitor.byName);
        assertEquals(0, subscriber.missedMessages());
    }
}
