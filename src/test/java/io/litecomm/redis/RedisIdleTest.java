package io.litecomm.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.testing.RedisTestServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * An idle process on redis:// does not poll the server: with a passive handler, a pub/sub subscriber, a
 * blocked receive and a pending receiveAsync, the server sees a few commands a second (the waiter's one-second
 * blocking reads), not one per millisecond; and each of them still gets its message at once.
 */
class RedisIdleTest {

    private final RedisTestServer server = RedisTestServer.get();
    private final URI uri = server.uniqueDomain("idle");

    @AfterEach
    void dropDomain() {
        assertEquals(List.of(), server.strayKeys());
        server.dropDomain(RedisTestServer.domainOf(uri));
    }

    @Test
    void anIdleProcessSendsTheServerAFewCommandsASecondAndStillGetsEveryMessage() throws Exception {
        try (Comm idle = Comm.open(uri); Comm peer = Comm.open(uri); Jedis jedis = server.jedis()) {
            List<String> passive = new CopyOnWriteArrayList<>();
            List<Object> published = new CopyOnWriteArrayList<>();
            idle.channel("passive", String.class).onReceive(passive::add);
            idle.sharedMemory().onSubscriberReceive("news", published::add);
            Channel<String> active = idle.channel("active", String.class);
            CompletableFuture<String> blocked = CompletableFuture.supplyAsync(
                    () -> active.receive(Duration.ofSeconds(30)).orElse(null));
            CompletableFuture<String> async = idle.channel("async", String.class).receiveAsync();
            // let every wait settle, then count what the server is asked over a quiet stretch
            waitFor(() -> clientsBlocked(jedis) >= 1, "the waiter blocking on the server");
            long before = totalCalls(jedis);
            long scriptsBefore = scriptCalls(jedis);
            long start = System.nanoTime();
            long quiet = TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() - start < quiet) {
                LockSupport.parkNanos(quiet - (System.nanoTime() - start));
            }
            long calls = totalCalls(jedis) - before;
            long scripts = scriptCalls(jedis) - scriptsBefore;
            // the waiter's read ends every second and the watcher looks at its channels once a second (a take
            // script, a handful of commands inside); polling every millisecond would be thousands
            assertTrue(scripts <= 12, "scripts an idle process ran on the server in 3 s: " + scripts);
            assertTrue(calls <= 150, "commands (scripts' own included) of an idle process in 3 s: " + calls + "\n"
                    + jedis.info("commandstats"));

            peer.channel("passive", String.class).send("p");
            peer.channel("active", String.class).send("a");
            peer.channel("async", String.class).send("s");
            peer.sharedMemory().publish("news", "n");
            assertEquals("a", blocked.get(10, TimeUnit.SECONDS));
            assertEquals("s", async.get(10, TimeUnit.SECONDS));
            waitFor(() -> passive.equals(List.of("p")), "the passive handler's message");
            waitFor(() -> published.equals(List.of("n")), "the subscriber's message");
        }
    }

    private static long totalCalls(Jedis jedis) {
        long total = 0;
        for (String line : jedis.info("commandstats").split("\r?\n")) {
            int at = line.indexOf("calls=");
            if (line.startsWith("cmdstat_") && at > 0) {
                String calls = line.substring(at + 6);
                total += Long.parseLong(calls.substring(0, calls.indexOf(',')));
            }
        }
        return total;
    }

    private static long scriptCalls(Jedis jedis) {
        for (String line : jedis.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_evalsha:")) {
                String calls = line.substring(line.indexOf("calls=") + 6);
                return Long.parseLong(calls.substring(0, calls.indexOf(',')));
            }
        }
        return 0;
    }

    private static int clientsBlocked(Jedis jedis) {
        for (String line : jedis.info("clients").split("\r?\n")) {
            if (line.startsWith("blocked_clients:")) {
                return Integer.parseInt(line.substring("blocked_clients:".length()).trim());
            }
        }
        return 0;
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within 10 s: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
