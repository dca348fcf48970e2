package io.litecomm.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Comm;
import io.litecomm.SharedMemory;
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
 * No request storm: a subscribed process whose watcher polls its reader every millisecond sends
 * the server a handful of commands while nothing is published (the waiter's blocking reads, one
 * per second at most), and a number proportional to the messages while they are. Commands are
 * counted with {@code MONITOR}, those that name the test's domain, leaving out the ones scripts run.
 */
@Timeout(60)
class RedisPubSubIdleTest extends RedisStoreDomainTest {

    private static final long IDLE_MILLIS = 2000;

    /** Counts the commands that name the domain, on a MONITOR connection of its own. */
    private static final class Monitor implements AutoCloseable {
        final AtomicLong commands = new AtomicLong();
        final List<String> seen = new CopyOnWriteArrayList<>();
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
        public void close() throws InterruptedException {
            jedis.disconnect();
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
    }

    private static void idle(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (long left = millis; left > 0; left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(left));
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

        long before = monitor.commands.get();
        idle(IDLE_MILLIS);
        long idleCommands = monitor.commands.get() - before;
        System.out.println("idle: commands=" + idleCommands + " over " + IDLE_MILLIS + " ms");
        // a reader that asked the server on every poll would send about 2000 here
        assertTrue(idleCommands <= 2 * (IDLE_MILLIS / RedisWaiter.SLICE_MILLIS) + 4,
                "idle commands=" + idleCommands + " seen=" + monitor.seen);

        int messages = 200;
        before = monitor.commands.get();
        for (int i = 0; i < messages; i++) {
            publisher.publish("t", i);
        }
        await(() -> got.size() == messages + 1, () -> "messages did not arrive: got=" + got.size());
        long busyCommands = monitor.commands.get() - before;
        System.out.println("busy: commands=" + busyCommands + " for " + messages + " messages");
        // each publish is one script; the subscriber's waiter wakes and its feed fetches a batch at most once per message
        assertTrue(busyCommands <= 3L * messages + 10, "commands while busy=" + busyCommands + " messages=" + messages);
        assertEquals(0, subscriber.missedMessages());
    }
}
