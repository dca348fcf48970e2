package io.litecomm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.MessageDecodeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, symptoms 7 and 10 through the tool: what {@code litecomm send} puts on a typed channel
 * that the type refuses is dead-lettered by the receiver, never lost; the tool refuses JSON nested
 * deeper than senders write, and bad JSON with one line of its own (exit 2, no Jackson internals).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliPoisonTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path root;

    private CliProcess.Result cli(Path domain, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--dir";
        all[1] = domain.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return CliProcess.run(root.resolve("logs"), all);
    }

    @Test
    void aMapSentByTheToolIntoAStringChannelIsDeadLetteredAndTheNextMessageArrives() {
        Path domain = root.resolve("domain");
        try (Comm comm = Comm.open(domain)) {
            Channel<String> strings = comm.channel("strings", String.class);
            Channel<Integer> ints = comm.channel("ints", Integer.class);
            CliProcess.Result sent = cli(domain, "send", "strings", "{\"a\":1}", "\"ok\"");
            assertEquals(0, sent.exit(), sent.describe());
            assertEquals(2, strings.size());
            MessageDecodeException e = assertThrows(MessageDecodeException.class, () -> strings.receive(WAIT));
            assertArrayEquals("{\"a\":1}".getBytes(StandardCharsets.UTF_8), e.payload());
            assertEquals("ok", strings.receive(WAIT).orElseThrow());

            CliProcess.Result floats = cli(domain, "send", "ints", "3.7", "\"12\"", "12");
            assertEquals(0, floats.exit(), floats.describe());
            assertThrows(MessageDecodeException.class, () -> ints.receive(WAIT), "3.7 is no Integer");
            assertThrows(MessageDecodeException.class, () -> ints.receive(WAIT), "\"12\" is no Integer");
            assertEquals(12, ints.receive(WAIT).orElseThrow());

            CliProcess.Result dead = cli(domain, "recv", "ints.dead", "--count", "2");
            assertEquals(0, dead.exit(), dead.describe());
            assertEquals(List.of(base64("3.7"), base64("\"12\"")), dead.out().lines().toList(), dead.describe());
            assertTrue(strings.tryReceive().isEmpty());
        }
    }

    @Test
    void jsonNestedDeeperThanSendersWriteIsRefusedAndNothingIsWritten() {
        Path domain = root.resolve("domain");
        try (Comm comm = Comm.open(domain)) {
            Channel<Object> untyped = comm.channel("deep");
            for (int depth : List.of(1_000)) {
                CliProcess.Result refused = cli(domain, "send", "deep", "[".repeat(depth) + "]".repeat(depth));
                assertEquals(2, refused.exit(), refused.describe());
                assertEquals("litecomm: send: message is refused: nested too deeply: limit=496 levels, as for every sender"
                        + " (receivers read at most 500)", refused.err().lines().findFirst().orElseThrow(), refused.describe());
                assertEquals(0, untyped.size(), "nothing written at depth " + depth);
            }
            CliProcess.Result deepest = cli(domain, "send", "deep", "[".repeat(496) + "]".repeat(496));
            assertEquals(0, deepest.exit(), deepest.describe());
            assertTrue(untyped.receive(WAIT).isPresent(), "the deepest value the tool sends is received");
        }
    }

    @Test
    void badJsonArgumentsGetOneLineWithoutJacksonInternals() {
        Path domain = root.resolve("domain");
        try (Comm comm = Comm.open(domain)) {
            comm.channel("c");
        }
        List<List<String>> commands = List.of(List.of("send", "c", "{\"a\":"), List.of("kv", "set", "k", "NaN"),
                List.of("pub", "t", "1 2"));
        for (List<String> command : commands) {
            CliProcess.Result bad = cli(domain, command.toArray(String[]::new));
            assertEquals(2, bad.exit(), bad.describe());
            String first = bad.err().lines().findFirst().orElseThrow();
            assertTrue(first.startsWith("litecomm: " + command.get(0) + ": "), bad.describe());
            assertTrue(first.contains(" is not JSON: ") && first.contains(" at line 1 column "), bad.describe());
            for (String internal : List.of("Source", "REDACTED", "`", "Feature", "Constraints", "com.fasterxml")) {
                assertFalse(bad.err().contains(internal), internal + " in " + bad.describe());
            }
        }
    }

    private static String base64(String text) {
        return java.util.Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
