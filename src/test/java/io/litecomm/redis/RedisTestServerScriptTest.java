package io.litecomm.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * {@code scripts/redis-test-server.sh}, which {@code .ci/run} uses: {@code start} prints the export
 * line of a server on 127.0.0.1 (a non-default port, no persistence, its own directory) that answers
 * PING, a second {@code start} finds it again, {@code stop} ends it and removes its directory and
 * state, and a second {@code stop} is harmless (it is the EXIT trap).
 */
@Timeout(60)
class RedisTestServerScriptTest {

    private static final Path SCRIPT = Path.of("scripts", "redis-test-server.sh");

    @TempDir
    Path dir;

    @Test
    void startsAServerWithoutPersistenceAndStopsIt() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/redis-server"))
                || "true".equalsIgnoreCase(System.getenv("CI")), "no redis-server installed");
        Path state = dir.resolve("state");
        Map<String, String> env = Map.of("REDIS_TEST_STATE", state.toString(), "TMPDIR", dir.toString());
        long pid = -1;
        try {
            Result start = run(env, "start");
            assertEquals(0, start.code, start.text());
            Matcher line = Pattern.compile("^export LITECOMM_TEST_REDIS=127\\.0\\.0\\.1:(\\d+)$").matcher(start.out.trim());
            assertTrue(line.matches(), "stdout must be the export line alone: " + start.text());
            int port = Integer.parseInt(line.group(1));
            assertNotEquals(6379, port);
            pid = Long.parseLong(Files.readAllLines(state).stream().filter(l -> l.startsWith("pid="))
                    .findFirst().orElseThrow().substring(4));
            Path data;
            try (Jedis jedis = new Jedis("127.0.0.1", port, 5000)) {
                assertEquals("PONG", jedis.ping());
                assertEquals(List.of("save", ""), jedis.configGet("save").entrySet().stream()
                        .flatMap(e -> java.util.stream.Stream.of(e.getKey(), e.getValue())).toList());
                assertEquals("no", jedis.configGet("appendonly").get("appendonly"));
                data = Path.of(jedis.configGet("dir").get("dir"));
                assertTrue(data.startsWith(dir.toRealPath()) || data.startsWith(dir), "dir=" + data);
            }
            Result again = run(env, "start");
            assertEquals(0, again.code, again.text());
            assertEquals(start.out, again.out, "a second start finds the same server");
            assertEquals(0, run(env, "status").code);

            Result stop = run(env, "stop");
            assertEquals(0, stop.code, stop.text());
            assertFalse(running(pid), "still running: " + pid);
            assertThrows(RuntimeException.class, () -> {
                try (Jedis jedis = new Jedis("127.0.0.1", port, 1000)) {
                    jedis.ping();
                }
            });
            assertFalse(Files.exists(state), "state left: " + state);
            assertFalse(Files.exists(data), "directory left: " + data);
            assertEquals(1, run(env, "status").code);
            assertEquals(0, run(env, "stop").code, "stop with nothing running");
            pid = -1;
        } finally {
            if (pid > 0) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** Alive and not a zombie (the script's server is nobody's child once the script has exited). */
    private static boolean running(long pid) {
        try {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)
                    && Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")).length > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private record Result(int code, String out, String err) {
        String text() {
            return "code=" + code + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }

    private Result run(Map<String, String> env, String command) throws IOException {
        Path out = Files.createTempFile(dir, "out-", ".txt");
        Path err = Files.createTempFile(dir, "err-", ".txt");
        ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString(), command).redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(SCRIPT + " " + command + " did not finish within 30 s: "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
