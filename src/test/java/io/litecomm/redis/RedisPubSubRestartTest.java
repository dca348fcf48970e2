package io.litecomm.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.spi.SharedStore;
import io.litecomm.spi.TransportContext;
import io.litecomm.spi.TransportException;
import io.litecomm.testing.RedisTestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;

/**
 * A server restarted without persistence loses the published stream, whose sequence numbers then
 * start again: a reader of a process that lived through the restart goes on receiving what is
 * published after it, with positions that keep growing. Runs on a {@code redis-server} of its own,
 * stopped and started again by the test.
 */
@Timeout(60)
class RedisPubSubRestartTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private final List<AutoCloseable> opened = new ArrayList<>();
    private Process server;
    private int port;

    @AfterEach
    void stopEverything() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        stopServer();
    }

    private void startServer() throws IOException {
        server = new ProcessBuilder("/usr/bin/redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--logfile", "")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try (Jedis jedis = new Jedis("127.0.0.1", port, 1000)) {
                if ("PONG".equals(jedis.ping())) {
                    return;
                }
            } catch (RuntimeException notYet) {
                if (System.nanoTime() - deadline > 0 || !server.isAlive()) {
                    throw new AssertionError("redis-server did not answer: port=" + port, notYet);
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private void stopServer() throws InterruptedException {
        if (server != null && server.isAlive()) {
            server.destroyForcibly();
            assertTrue(server.waitFor(10, TimeUnit.SECONDS), "redis-server did not stop");
        }
    }

    private RedisTransport open(URI uri) {
        RedisTransport transport = RedisTransport.open(new TransportContext(uri, Map.of("timeout", "1000"),
                new ObjectMapper(), Duration.ofMillis(1)));
        opened.add(transport);
        return transport;
    }

    /** Publishes, trying again while the server comes back. */
    private static void publish(SharedStore store, String text) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                store.publish("t", text.getBytes(StandardCharsets.UTF_8));
                return;
            } catch (TransportException down) {
                if (System.nanoTime() - deadline > 0) {
                    throw down;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        }
    }

    @Test
    void aReaderGoesOnAfterTheServerLostTheStream() throws Exception {
        RedisTestServer.get();
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-server")), "no /usr/bin/redis-server here");
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        startServer();
        URI uri = URI.create("redis://127.0.0.1:" + port + "/restart");
        SharedStore subscriber = open(uri).sharedStore();
        SharedStore publisher = open(uri).sharedStore();
        SharedStore.TopicReader reader = subscriber.newReader();
        List<String> got = new ArrayList<>();
        List<Long> positions = new ArrayList<>();
        long[] missed = {0};
        SharedStore.TopicSink sink = new SharedStore.TopicSink() {
            @Override
            public void message(long position, String topic, byte[] payload) {
                positions.add(position);
                got.add(new String(payload, StandardCharsets.UTF_8));
            }

            @Override
            public void missed(long count) {
                missed[0] += count;
            }
        };
        for (int i = 0; i < 5; i++) {
            publish(publisher, "before-" + i);
        }
        awaitRead(reader, sink, got, 5);

        stopServer();
        startServer();
        for (int i = 0; i < 3; i++) {
            publish(publisher, "after-" + i);
        }
        awaitRead(reader, sink, got, 8);
        assertEquals(List.of("before-0", "before-1", "before-2", "before-3", "before-4", "after-0", "after-1",
                "after-2"), got);
        for (int i = 1; i < positions.size(); i++) {
            assertTrue(positions.get(i) > positions.get(i - 1), "positions keep growing: " + positions);
        }
        assertEquals(0, missed[0], "nothing published after the restart was missed");
    }

    private static void awaitRead(SharedStore.TopicReader reader, SharedStore.TopicSink sink, List<String> got,
            int count) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (got.size() < count) {
            reader.poll(sink, 100);
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("messages not read: got=" + got);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }
}
