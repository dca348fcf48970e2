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
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The Redis server the tests use. {@code .ci/run} starts one and names it in
 * {@code LITECOMM_TEST_REDIS} ({@code host:port}; a developer gets the same with
 * {@code eval "$(scripts/redis-test-server.sh start)"}); without that variable a test JVM starts its
 * own {@code redis-server} on a free port (no persistence, a temporary directory), stopped when the
 * JVM exits, even when it is killed. With neither a variable nor a {@code redis-server} binary, Redis
 * tests are skipped, except under {@code CI=true}, where they fail.
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
        if (given != null && !given.isBlank()) {
            int colon = given.lastIndexOf(':');
            int port = colon > 0 ? parsePort(given.substring(colon + 1)) : -1;
            if (port < 0) {
                throw new AssertionError("bad LITECOMM_TEST_REDIS: expected host:port, actual=" + given);
            }
            RedisTestServer server = new RedisTestServer(given.substring(0, colon), port, null);
            server.awaitPong(TimeUnit.SECONDS.toNanos(10), "LITECOMM_TEST_REDIS=" + given);
            return server;
        }
        Path binary = findBinary();
        if (binary == null) {
            String why = "no Redis server: set LITECOMM_TEST_REDIS=host:port (eval \"$(scripts/redis-test-server.sh"
                    + " start)\") or install redis-server (apt-get install redis-server)";
            if (underCi()) {
                throw new AssertionError(why + "; under CI=true the Redis tests fail rather than skip");
            }
            Assumptions.abort(why);
        }
        int port = freePort();
        try {
            Path dir = Files.createTempDirectory("litecomm-redis-test.");
            dir.toFile().deleteOnExit();
            // sh stays between this JVM and the server: when this JVM dies, even by SIGKILL, the sh reads the
            // end of its standard input and stops the server, so that no redis-server outlives the tests
            List<String> command = List.of("/bin/sh", "-c", "\"$0\" \"$@\" </dev/null & server=$!; cat >/dev/null;"
                    + " kill $server 2>/dev/null; wait $server", binary.toString(), "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir.toString(),
                    "--logfile", "", "--proc-title-template", "{title} {listen-addr} {server-mode} litecomm-test-server");
            Process started = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            RedisTestServer server = new RedisTestServer("127.0.0.1", port, started);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(started, dir), "redis-test-server-stop"));
            server.awaitPong(TimeUnit.SECONDS.toNanos(10), binary + " --port " + port);
            return server;
        } catch (IOException e) {
            throw new AssertionError("cannot start " + binary + ": " + e, e);
        }
    }

    /** Under {@code CI=true} (or {@code 1}), a missing server fails the Redis tests instead of skipping them. */
    private static boolean underCi() {
        String ci = System.getenv("CI");
        return ci != null && (ci.equalsIgnoreCase("true") || ci.equals("1"));
    }

    private static int parsePort(String text) {
        try {
            int port = Integer.parseInt(text);
            return port > 0 && port < 65536 ? port : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Closes the wrapper's standard input (it then stops the server), waits, then kills what is left. */
    private static void stop(Process wrapper, Path dir) {
        List<ProcessHandle> descendants = wrapper.descendants().toList();
        try {
            wrapper.getOutputStream().close();
            if (!wrapper.waitFor(5, TimeUnit.SECONDS)) {
                wrapper.destroyForcibly();
            }
        } catch (IOException e) {
            wrapper.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            wrapper.destroyForcibly();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // the server wrote nothing there (no persistence); a leftover empty directory in tmp is harmless
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

    private void awaitPong(long withinNanos, String what) {
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
                throw new AssertionError("redis-server exited: port=" + port + " code=" + process.exitValue() + " (" + what
                        + ")");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        throw new AssertionError("no PONG from redis within 10 s: server=" + host + ":" + port + " (" + what + "): "
                + last, last);
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
        // RESP2 as the transport speaks it, so that Jedis does not warn on every connection
        return new Jedis(new HostAndPort(host, port), DefaultJedisClientConfig.builder().timeoutMillis(5000)
                .protocol(RedisProtocol.RESP2).autoNegotiateProtocol(false).build());
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
