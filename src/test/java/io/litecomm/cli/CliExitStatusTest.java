package io.litecomm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Comm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Exit statuses that must match the help: {@code sub --timeout}, and {@code kv} refusing bad input as a usage error. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliExitStatusTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path root;

    private Path domain;
    private Path logs;

    @BeforeEach
    void createDomain() throws Exception {
        domain = Files.createDirectory(root.resolve("domain"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        logs = root.resolve("logs");
    }

    private String[] inDomain(String... args) {
        List<String> all = new ArrayList<>(List.of("--dir", domain.toString()));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    @Test
    void subExitsWithOneWhenTheTimeoutPassesWithNothingPublished() {
        CliProcess.Result quiet = CliProcess.run(logs, inDomain("sub", "news", "--timeout", "300"));
        assertEquals(1, quiet.exit(), quiet.describe());
        assertEquals("", quiet.out(), quiet.describe());
        assertTrue(quiet.err().contains("litecomm: sub: timed out: no message was published to topic 'news'"),
                quiet.describe());
        CliProcess.Result help = CliProcess.run(logs, "sub", "--help");
        assertTrue(help.out().replaceAll("\\s+", " ").contains("1 the timeout passed before --count messages"
                + " (without --count: before any message)"), help.describe());
    }

    @Test
    void subExitsWithZeroWhenTheTimeoutPassesAfterAMessage() {
        try (CliProcess sub = CliProcess.start(logs, Map.of(), inDomain("sub", "news", "--timeout", "5000"))) {
            sub.awaitErr("subscribed to topic 'news'", WAIT);
            try (Comm comm = Comm.open(domain)) {
                comm.sharedMemory().publish("news", "hello");
            }
            CliProcess.Result result = sub.awaitExit(WAIT);
            assertEquals(0, result.exit(), result.describe());
            assertEquals(List.of("\"hello\""), result.lines(), result.describe());
            assertTrue(!result.err().contains("timed out"), result.describe());
        }
    }

    @Test
    void kvRefusesBadInputWithTwoAsSendDoes() {
        String deep = "[".repeat(1000) + "]".repeat(1000);
        List<String[]> cases = List.of(
                inDomain("kv", "set", "", "1"),
                inDomain("kv", "get", ""),
                inDomain("kv", "del", ""),
                inDomain("kv", "set", "deep", deep),
                inDomain("send", "jobs", "{bad", "--create"));
        List<String> expected = List.of("litecomm: kv: the key must not be empty", "litecomm: kv: the key must not be empty",
                "litecomm: kv: the key must not be empty", "litecomm: kv: ", "litecomm: send: ");
        List<CliProcess> running = new ArrayList<>();
        try {
            for (String[] args : cases) {
                running.add(CliProcess.start(logs, Map.of(), args));
            }
            for (int i = 0; i < cases.size(); i++) {
                CliProcess.Result result = running.get(i).awaitExit(WAIT);
                assertEquals(LitecommCli.USAGE, result.exit(), result.describe());
                assertTrue(result.err().contains(expected.get(i)), expected.get(i) + ": " + result.describe());
                assertTrue(result.err().contains("Try 'litecomm "), result.describe());
                assertEquals("", result.out(), result.describe());
            }
        } finally {
            running.forEach(CliProcess::close);
        }
        CliProcess.Result ls = CliProcess.run(logs, inDomain("kv", "ls"));
        assertEquals(0, ls.exit(), ls.describe());
        assertEquals("", ls.out(), "a refused value was stored: " + ls.describe());
    }
}
