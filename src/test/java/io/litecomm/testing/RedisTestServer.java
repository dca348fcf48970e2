package io.litecomm.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Assumptions;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The Redis server the tests use. {@code .ci/run} starts one and names it in
 * {@code LITECOMM_TEST_REDIS} ({@code host:port}); without that variable a test JVM starts its own
 * {@code redis-server} on a free port (no persistence), stopped when the JVM exits. With neither a
 * variable nor a {@code redis-server} binary, Redis tests are skipped, except under {@code CI=true},
 * where they fail.
 */
public final class RedisTestServer {

    private static final AtomicInteger NAMES = new AtomicInteger();
    private static volatile RedisTestServer shared;

    private final String host;
    private final int port;
    private final Process process;

    private RedisTestServer(String host, int port, Process process) {
        this.host = host;
        this.port = port;
        this.process = process;
    }

    /**
     * The server, found or started on first use; skips (or, under {@code CI=true}, fails) the
     * calling test when there is none.
     *
     * @return the server
     */
    public static RedisTestServer get() {
        RedisTestServer current = shared;
        if (current != null) {
            return current;
        }
        synchronized (RedisTestServer.class) {
            if (shared == null) {
                shared = findOrStart();
            }
            return shared;
        }
    }

    private static RedisTestServer findOrStart() {
        String given = System.getenv("LITECOMM_TEST_REDIS");
        boolean ci = "true".equals(System.getenv("CI"));
        if (given != null && !given.isBlank()) {
            int colon = given.lastIndexOf(':');
            RedisTestServer server = new RedisTestServer(given.substring(0, colon),
                    Integer.parseInt(given.substring(colon + 1)), null);
            server.awaitPong(TimeUnit.SECONDS.toNanos(10));
            return server;
        }
        Path binary = findBinary();
        if (binary == null) {
            String why = "no Redis server: set LITECOMM_TEST_REDIS=host:port or install redis-server"
                    + " (apt-get install redis-server)";
            if (ci) {
                throw new AssertionError(why + "; under CI=true the Redis tests fail rather than skip");
            }
            Assumptions.abort(why);
        }
        int port = freePort();
        try {
            Process started = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind",
                    "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", "")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            RedisTestServer server = new RedisTestServer("127.0.0.1", port, started);
            Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, "redis-test-server-stop"));
            server.awaitPong(TimeUnit.SECONDS.toNanos(10));
            return server;
        } catch (IOException e) {
            throw new AssertionError("cannot start " + binary + ": " + e, e);
        }
    }

    private static Path findBinary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/usr/local/bin").split(":")) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        Path debian = Path.of("/usr/bin/redis-server");
        return Files.isExecutable(debian) ? debian : null;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError("no free port: " + e, e);
        }
    }

    private void awaitPong(long withinNanos) {
        long deadline = System.nanoTime() + withinNanos;
        RuntimeException last = null;
        while (System.nanoTime() - deadline < 0) {
            try (Jedis jedis = jedis()) {
                if ("PONG".equals(jedis.ping())) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            if (process != null && !process.isAlive()) {
                throw new AssertionError("redis-server exited: port=" + port + " code=" + process.exitValue());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        throw new AssertionError("no PONG from redis at " + host + ":" + port + " within 10 s: " + last, last);
    }

    /** {@code host}. */
    public String host() {
        return host;
    }

    /** {@code port}. */
    public int port() {
        return port;
    }

    /** A fresh connection to the server, owned by the caller. */
    public Jedis jedis() {
        return new Jedis(host, port, 5000);
    }

    /**
     * A domain URI no other test uses: {@code redis://host:port/PREFIX-PID-N}.
     *
     * @param prefix a short name of the test
     * @return the URI
     */
    public URI uniqueDomain(String prefix) {
        return URI.create("redis://" + host + ":" + port + "/" + prefix + "-" + ProcessHandle.current().pid() + "-"
                + NAMES.incrementAndGet());
    }

    /** The domain name of a URI made by {@link #uniqueDomain}. */
    public static String domainOf(URI uri) {
        return uri.getPath().substring(1);
    }

    /**
     * Every key of the server's database 0 (tests keep their domains there).
     *
     * @return the keys
     */
    public List<String> allKeys() {
        List<String> keys = new ArrayList<>();
        try (Jedis jedis = jedis()) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.scan(cursor, new ScanParams().count(1000));
                keys.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
        return keys;
    }

    /**
     * Keys that belong to no litecomm domain: not starting with <code>litecomm:&#123;</code>.
     *
     * @return the stray keys
     */
    public List<String> strayKeys() {
        List<String> stray = new ArrayList<>();
        for (String key : allKeys()) {
            if (!key.startsWith("litecomm:{")) {
                stray.add(key);
            }
        }
        return stray;
    }

    /**
     * Removes a test domain's keys.
     *
     * @param domain the domain name
     * @return how many were removed
     */
    public int dropDomain(String domain) {
        String prefix = "litecomm:{" + domain + "}:";
        int removed = 0;
        try (Jedis jedis = jedis()) {
            for (String key : allKeys()) {
                if (key.startsWith(prefix)) {
                    removed += (int) jedis.del(key);
                }
            }
        }
        return removed;
    }

    /** Whether this JVM started the server (so a test may stop and restart it). */
    public boolean ownedByThisJvm() {
        return process != null;
    }
}
