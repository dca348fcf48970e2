package io.litecomm.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.litecomm.Comm;
import io.litecomm.testing.RedisTestServer;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * A process's liveness subscription is pinged, so that its connection has traffic and a server that
 * vanished without a reset is noticed by the read timeout, not after TCP keep-alive's hours.
 */
class RedisLivenessTest {

    private final RedisTestServer server = RedisTestServer.get();
    private final URI uri = server.uniqueDomain("liveness");

    @AfterEach
    void dropDomain() {
        assertEquals(List.of(), server.strayKeys());
        server.dropDomain(RedisTestServer.domainOf(uri));
    }

    @Test
    void theSubscriptionIsPingedWhileTheDomainIsOpen() {
        try (Comm comm = Comm.open(uri); Jedis jedis = server.jedis()) {
            comm.channel("x", String.class);
            String pid = Long.toString(ProcessHandle.current().pid());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            String line = "";
            while (System.nanoTime() - deadline < 0) {
                line = aliveClient(jedis, pid);
                if (line.contains(" cmd=ping")) {
                    return;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
            throw new AssertionError("the liveness connection was not pinged within 15 s: " + line);
        }
    }

    private static String aliveClient(Jedis jedis, String pid) {
        for (String line : jedis.clientList().split("\n")) {
            if (line.contains("name=litecomm-" + pid + "-") && line.contains("-alive ")) {
                return line;
            }
        }
        return "(no liveness client of this process)";
    }
}
