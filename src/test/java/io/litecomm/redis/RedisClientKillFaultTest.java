package io.litecomm.redis;

import static io.litecomm.redis.RedisFaultSupport.WAIT;
import static io.litecomm.redis.RedisFaultSupport.linesAfter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.testing.ChildJvm;
import io.litecomm.testing.ChildJvm.Await;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * Issue 13 item 6: {@code CLIENT KILL} of a process's connections. While a receiver's liveness
 * connection is gone, another process may take over its in-flight message; the first one's
 * acknowledgement then fails its owner check, so nothing is delivered twice; the liveness
 * subscribes again. A killed waiter connection is opened again and wakes its blocked receiver.
 * Each test has a server of its own, so that its command counts are its own.
 */
@Timeout(120)
class RedisClientKillFaultTest {

    private static final String NAME = "jobs";

    @TempDir
    Path dir;

    /**
     * Two receiving children drain a channel a sender keeps full while the test kills one child's
     * liveness connection again and again ({@code -Dlitecomm.redis.aliveKills}, 12 by default, 100
     * in the long form), each time waiting (with a deadline) until {@code PUBSUB NUMSUB} shows it
     * subscribed again. Every message sent is received exactly once overall; the server's count of
     * {@code XCLAIM} calls shows how many in-flight messages changed hands meanwhile.
     */
    @Test
    void aReceiverThatLooksDeadForAWhileNeverDeliversTwice() throws Exception {
        int kills = Integer.getInteger("litecomm.redis.aliveKills", RedisFaultSupport.longForm() ? 100 : 12);
        try (RedisFaultSupport.OwnServer server = new RedisFaultSupport.OwnServer("127.0.0.1", null).start();
             Jedis jedis = server.jedis()) {
            String domain = "clientkill";
            URI uri = URI.create("redis://127.0.0.1:" + server.port() + "/" + domain);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger sent = new AtomicInteger();
            try (Comm comm = Comm.open(uri);
                 ChildJvm victim = ChildJvm.start(dir.resolve("logs"), ReceiverChild.class, uri.toString(), NAME);
                 ChildJvm other = ChildJvm.start(dir.resolve("logs"), ReceiverChild.class, uri.toString(), NAME)) {
                Channel<String> channel = comm.channel(NAME, String.class, ChannelOptions.builder().capacity(4096).build());
                victim.awaitOutput("READY", WAIT);
                other.awaitOutput("READY", WAIT);
                long victimPid = victim.process().pid();
                String uuid8 = RedisFaultSupport.uuid8(jedis, victimPid);
                jedis.configResetStat();
                CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                    while (!stop.get()) {
                        if (channel.send("m" + sent.get(), Duration.ofMillis(200))) {
                            sent.incrementAndGet();
                        }
                    }
                });
                int done = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (done < kills && System.nanoTime() - deadline < 0) {
                    assertTrue(victim.process().isAlive() && other.process().isAlive(), () -> "a receiver died\n"
                            + victim.output() + "\n" + other.output());
                    if (RedisFaultSupport.killClients(jedis, victimPid, "-alive") > 0) {
                        done++;
                    }
                    awaitSubscribed(jedis, domain, uuid8);
                }
                stop.set(true);
                sender.get(30, TimeUnit.SECONDS);
                int total = sent.get();
                Await.until(() -> linesAfter(victim.output(), "GOT").size() + linesAfter(other.output(), "GOT").size()
                        >= total, WAIT, () -> "not every message arrived: sent=" + total + "\n" + victim.output() + "\n"
                        + other.output());
                channel.close();
                victim.awaitSuccess(WAIT);
                other.awaitSuccess(WAIT);
                Map<String, Integer> seen = new HashMap<>();
                List<String> all = new ArrayList<>(linesAfter(victim.output(), "GOT"));
                all.addAll(linesAfter(other.output(), "GOT"));
                all.forEach(m -> seen.merge(m, 1, Integer::sum));
                List<String> twice = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                        .sorted().toList();
                assertEquals(List.of(), twice.subList(0, Math.min(20, twice.size())), twice.size() + " delivered twice");
                assertEquals(total, seen.size(), "messages missing");
                long claims = commandCalls(jedis, "xclaim");
                System.out.println("REDIS client-kill aliveKills=" + done + " sent=" + total + " byVictim="
                        + linesAfter(victim.output(), "GOT").size() + " claims=" + claims);
                assertEquals(kills, done, "the liveness connection was not there to kill");
                assertTrue(claims > 0, "no in-flight message changed hands in " + done + " kills: the race was not run");
            } finally {
                stop.set(true);
            }
        }
    }

    /** The victim's alive channel has its subscriber again, within the deadline. */
    private static void awaitSubscribed(Jedis jedis, String domain, String uuid8) {
        Await.until(() -> RedisFaultSupport.aliveSubscribers(jedis, domain, uuid8).values().stream()
                .anyMatch(n -> n == 1), WAIT, () -> "the liveness did not subscribe again: "
                + RedisFaultSupport.aliveSubscribers(jedis, domain, uuid8));
    }

    /** {@code calls} of a command in {@code INFO commandstats} (scripts' calls included). */
    static long commandCalls(Jedis jedis, String command) {
        for (String line : jedis.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_" + command + ":")) {
                String calls = line.substring(line.indexOf("calls=") + 6);
                return Long.parseLong(calls.substring(0, calls.indexOf(',')));
            }
        }
        return 0;
    }

    /**
     * A receive blocked with no deadline while its process's waiter connection is killed: the
     * waiter connects again and the receive returns the message sent afterwards.
     */
    @Test
    void aKilledWaiterConnectionComesBackAndWakesItsReceiver() throws Exception {
        try (RedisFaultSupport.OwnServer server = new RedisFaultSupport.OwnServer("127.0.0.1", null).start();
             Jedis jedis = server.jedis()) {
            URI uri = URI.create("redis://127.0.0.1:" + server.port() + "/waiterkill");
            try (Comm receiving = Comm.open(uri)) {
                Channel<String> channel = receiving.channel(NAME, String.class);
                CompletableFuture<String> received = CompletableFuture.supplyAsync(channel::receive);
                long pid = ProcessHandle.current().pid();
                Await.until(() -> RedisFaultSupport.clients(jedis).stream().anyMatch(c -> c.getOrDefault("name", "")
                        .endsWith("-waiter") && "xread".equals(c.get("cmd"))), WAIT, () -> "the waiter never blocked");
                assertEquals(1, RedisFaultSupport.killClients(jedis, pid, "-waiter"));
                Await.until(() -> RedisFaultSupport.clients(jedis).stream().anyMatch(c -> c.getOrDefault("name", "")
                        .endsWith("-waiter") && "xread".equals(c.get("cmd"))), WAIT, () -> "the waiter did not come back: "
                        + RedisFaultSupport.clients(jedis));
                try (Comm sending = Comm.open(uri)) {
                    sending.channel(NAME, String.class).send("after the kill");
                }
                try {
                    assertEquals("after the kill", received.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
                } catch (TimeoutException e) {
                    throw new AssertionError("the receive was not woken after its waiter connection came back");
                } catch (ExecutionException e) {
                    throw new AssertionError("the receive failed", e.getCause());
                }
                assertEquals(Optional.empty(), channel.tryReceive());
            }
        }
    }
}
