package io.litecomm.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.spi.TransportContext;
import io.litecomm.testing.RedisTestServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the store's own tests share: a fresh domain per test on the test server, transports opened
 * on it (each one another process), all closed and the domain's keys dropped after the test, even
 * when it fails. Abstract: holds no test of its own.
 */
abstract class RedisStoreDomainTest {

    /** The longest a single step of these tests waits. */
    static final Duration WAIT = Duration.ofSeconds(15);

    private final List<AutoCloseable> opened = new ArrayList<>();
    RedisTestServer server;
    URI domain;

    @BeforeEach
    final void createDomain() {
        server = RedisTestServer.get();
        domain = server.uniqueDomain(getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
    }

    @AfterEach
    final void closeAndDrop() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
        opened.clear();
        server.dropDomain(RedisTestServer.domainOf(domain));
    }

    /** Opens the test's domain: another process, closed after the test. */
    RedisTransport open() {
        return open(Map.of());
    }

    /** Opens the test's domain with settings. */
    RedisTransport open(Map<String, String> settings) {
        RedisTransport transport = RedisTransport.open(new TransportContext(domain, settings, new ObjectMapper(),
                Duration.ofMillis(1)));
        opened.add(transport);
        return transport;
    }

    /** Closes {@code resource} after the test, before the transports. */
    <T extends AutoCloseable> T closeLater(T resource) {
        opened.add(resource);
        return resource;
    }

    /** A key of the test's domain. */
    String key(String suffix) {
        return "litecomm:{" + RedisTestServer.domainOf(domain) + "}:" + suffix;
    }

    /** {@code redis://host:port}, as the store's messages name the server. */
    String serverName() {
        return "redis://" + server.host() + ":" + server.port();
    }

    /** Waits until {@code condition}, failing with {@code message} after {@link #WAIT}. */
    static void await(BooleanSupplier condition, Supplier<String> message) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(message.get());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
    }
}
