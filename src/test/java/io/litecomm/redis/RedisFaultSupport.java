package io.litecomm.redis;

import io.litecomm.testing.ChildJvm;
import io.litecomm.testing.ChildJvm.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Assumptions;
import redis.clients.jedis.Jedis;

/**
 * Helpers of the Redis fault tests: a {@code redis-server} of a test's own (so that it may be
 * stopped and restarted without touching the shared one), the server's client list, and the
 * line protocol the child mains of this package speak.
 */
final class RedisFaultSupport {

    /** How long a test waits for anything a child or the server should do. */
    static final Duration WAIT = Duration.ofSeconds(30);

    /** Whether the long forms were asked for ({@code -Dlitecomm.long=true} or the reliability suite's property). */
    static boolean longForm() {
        return Boolean.getBoolean("litecomm.long") || Boolean.getBoolean("litecomm.reliability.long");
    }

    private RedisFaultSupport() {
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError("no free port: " + e, e);
        }
    }

    /** The {@code redis-server} binary, or the test is skipped (failed under {@code CI=true}). */
    static Path binary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        Path debian = Path.of("/usr/bin/redis-server");
        if (Files.isExecutable(debian)) {
            return debian;
        }
        String why = "no redis-server binary: this test starts and stops a server of its own";
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(why);
        }
        Assumptions.abort(why);
        return null;
    }

    /** Sends a line to a child's standard input. */
    static void tell(ChildJvm child, String line) {
        try {
            OutputStream in = child.process().getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new AssertionError("cannot write to the child: " + e + "\n" + child.output(), e);
        }
    }

    /** The words after {@code prefix} of every output line that starts with it. */
    static List<String> linesAfter(String output, String prefix) {
        List<String> found = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.startsWith(prefix)) {
                found.add(line.substring(prefix.length()).trim());
            }
        }
        return found;
    }

    /** The server's clients: one map of fields ({@code id}, {@code name}, ...) per connection. */
    static List<Map<String, String>> clients(Jedis jedis) {
        List<Map<String, String>> clients = new ArrayList<>();
        for (String line : jedis.clientList().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            Map<String, String> fields = new HashMap<>();
            for (String field : line.trim().split(" ")) {
                int eq = field.indexOf('=');
                if (eq > 0) {
                    fields.put(field.substring(0, eq), field.substring(eq + 1));
                }
            }
            clients.add(fields);
        }
        return clients;
    }

    /**
     * Kills the connections of a process whose name ends with {@code suffix} ({@code -alive}, {@code -waiter}).
     *
     * @return how many were killed
     */
    static int killClients(Jedis jedis, long pid, String suffix) {
        int killed = 0;
        for (Map<String, String> client : clients(jedis)) {
            String name = client.getOrDefault("name", "");
            if (name.startsWith("litecomm-" + pid + "-") && name.endsWith(suffix)) {
                killed += (int) jedis.clientKill(redis.clients.jedis.params.ClientKillParams.clientKillParams()
                        .id(client.get("id")));
            }
        }
        return killed;
    }

    /** Subscribers of every alive channel of a process whose uuid starts with {@code uuid8}, by channel. */
    static Map<String, Long> aliveSubscribers(Jedis jedis, String domain, String uuid8) {
        String pattern = "litecomm:\\{" + domain + "\\}:alive:" + uuid8 + "*";
        Map<String, Long> counts = new HashMap<>();
        for (String channel : jedis.pubsubChannels(pattern)) {
            counts.putAll(jedis.pubsubNumSub(channel));
        }
        return counts;
    }

    /** The uuid8 part of a process's client names on the server ({@code litecomm-PID-UUID8-...}). */
    static String uuid8(Jedis jedis, long pid) {
        for (Map<String, String> client : clients(jedis)) {
            String name = client.getOrDefault("name", "");
            if (name.startsWith("litecomm-" + pid + "-") && name.endsWith("-alive")) {
                return name.substring(("litecomm-" + pid + "-").length(), name.length() - "-alive".length());
            }
        }
        throw new AssertionError("no liveness connection of process " + pid + " on the server");
    }

    /**
     * A {@code redis-server} of one test, on its own port, without persistence: stopped with
     * {@link #stop()}, started again on the same port with {@link #start()}, killed by {@link #close()}.
     */
    static final class OwnServer implements AutoCloseable {
        private final Path binary = binary();
        private final String bind;
        private final int port;
        private final String password;
        private Process process;

        OwnServer(String bind, String password) {
            this.bind = bind;
            this.port = freePort();
            this.password = password;
        }

        OwnServer start() {
            List<String> command = new ArrayList<>(List.of(binary.toString(), "--port", Integer.toString(port), "--bind",
                    bind, "--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", ""));
            if (!bind.startsWith("127.")) {
                // a test address on a veth pair: no password there, and the server refuses such clients otherwise
                command.addAll(List.of("--protected-mode", "no"));
            }
            if (password != null) {
                command.add("--requirepass");
                command.add(password);
            }
            try {
                process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                Process started = process;
                // a test JVM that ends without closing this (a timeout, System.exit) leaves no server behind
                Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, "own-redis-server-stop"));
            } catch (IOException e) {
                throw new AssertionError("cannot start " + binary + ": " + e, e);
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            RuntimeException last = null;
            while (System.nanoTime() - deadline < 0) {
                try (Jedis jedis = jedis()) {
                    if ("PONG".equals(jedis.ping())) {
                        return this;
                    }
                } catch (RuntimeException e) {
                    last = e;
                }
                if (!process.isAlive()) {
                    throw new AssertionError("redis-server exited: port=" + port + " code=" + process.exitValue());
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            stop(); // the caller's try-with-resources never got the server: nobody else would stop it
            throw new AssertionError("no PONG from own redis-server on port " + port + ": " + last, last);
        }

        /** Kills the server at once (SIGKILL: a crash, not a shutdown) and waits until it is gone. */
        void stop() {
            Process p = process;
            if (p == null) {
                return;
            }
            p.destroyForcibly();
            try {
                if (!p.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("redis-server did not die: port=" + port);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            process = null;
        }

        int port() {
            return port;
        }

        long pid() {
            return process.pid();
        }

        String host() {
            return bind;
        }

        /** A connection of the test's own. */
        Jedis jedis() {
            Jedis jedis = new Jedis(bind, port, 5000);
            if (password != null) {
                jedis.auth(password);
            }
            return jedis;
        }

        @Override
        public void close() {
            stop();
        }
    }

    /** Waits until a child printed {@code count} lines starting with {@code prefix}, or fails. */
    static void awaitLines(ChildJvm child, String prefix, int count) {
        Await.until(() -> linesAfter(child.output(), prefix).size() >= count || !child.process().isAlive(), WAIT,
                () -> "child printed fewer than " + count + " lines " + prefix + "\n" + child.output());
    }
}
