package io.litecomm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code send}, {@code recv}, {@code close}, {@code rm}, {@code kv}, {@code pub} and {@code sub}
 * run as separate processes against a domain that another process filled.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliMessagingTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path templateRoot;

    private static Path template;

    @TempDir
    Path root;

    private Path domain;
    private Path logs;

    @BeforeAll
    static void fillTemplate() {
        template = FilledDomain.fill(templateRoot.resolve("template"), templateRoot.resolve("logs"));
    }

    @BeforeEach
    void copyDomain() {
        domain = FilledDomain.copy(template, root.resolve("domain"));
        logs = root.resolve("logs");
    }

    private CliProcess.Result cli(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--dir";
        all[1] = domain.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return CliProcess.run(logs, all);
    }

    private CliProcess startCli(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--dir";
        all[1] = domain.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return CliProcess.start(logs, Map.of(), all);
    }

    private static void assertExit(int expected, CliProcess.Result result) {
        assertEquals(expected, result.exit(), result.describe());
    }

    private JsonNode lsChannel(String name) throws Exception {
        for (JsonNode channel : JSON.readTree(cli("ls", "--json").out()).get("channels")) {
            if (channel.get("name").asText().equals(name)) {
                return channel;
            }
        }
        return null;
    }

    @Test
    void recvTakesMessagesAndSendReachesAJavaReceiver() throws Exception {
        CliProcess.Result recv = cli("recv", "jobs", "--count", "3");
        assertExit(0, recv);
        assertEquals(List.of("\"job-1\"", "\"job-2\"", "\"job-3\""), recv.lines());
        assertEquals(0, lsChannel("jobs").get("messages").asInt());
        CliProcess.Result empty = cli("recv", "jobs", "--timeout", "200");
        assertExit(1, empty);
        assertTrue(empty.err().contains("timed out: received 0 of 1"), empty.describe());

        assertExit(0, cli("send", "jobs", "\"from the shell\"", "--string", "{\"not\": \"json\"}"));
        try (ChildJvm receiver = ChildJvm.start(logs, DomainFiller.class, "receive", domain.toString(), "jobs", "2")) {
            receiver.awaitSuccess(WAIT);
            assertTrue(receiver.output().contains("GOT \"from the shell\"\n"), receiver.output());
            assertTrue(receiver.output().contains("GOT {\"not\": \"json\"}\n"), receiver.output());
        }
    }

    @Test
    void recvJsonAndSendJson() {
        CliProcess.Result recv = cli("recv", "numbers", "--count", "3", "--json");
        assertExit(0, recv);
        assertEquals(List.of("{\"channel\":\"numbers\",\"value\":1}", "{\"channel\":\"numbers\",\"value\":2}",
                "{\"channel\":\"numbers\",\"value\":3}"), recv.lines());
        CliProcess.Result send = cli("send", "numbers", "-7", "42", "--json");
        assertExit(0, send);
        assertEquals("{\"channel\":\"numbers\",\"type\":\"json:java.lang.Integer\",\"sent\":2}", send.out().strip());
        assertEquals(List.of("-7", "42"), cli("recv", "numbers", "--count", "2").lines());
    }

    @Test
    void bytesChannelsTakeBase64OrHexAndPrintEither() {
        assertExit(0, cli("send", "blobs", "--hex", "0a0b"));
        assertExit(0, cli("send", "blobs", "--base64", "AQID"));
        assertExit(0, cli("send", "blobs", "plain"));
        CliProcess.Result recv = cli("recv", "blobs", "--count", "5", "--hex");
        assertExit(0, recv);
        assertEquals(List.of("010203", "ff", "0a0b", "010203", "706c61696e"), recv.lines());
        assertExit(0, cli("send", "blobs", "--hex", "ff00"));
        assertEquals("{\"channel\":\"blobs\",\"base64\":\"/wA=\"}", cli("recv", "blobs", "--json").out().strip());
    }

    @Test
    void sendRefusesWhatTheChannelCannotTake() {
        CliProcess.Result missing = cli("send", "nosuch", "1");
        assertExit(1, missing);
        assertTrue(missing.err().contains("no such channel: channel=nosuch"), missing.describe());
        CliProcess.Result notJson = cli("send", "jobs", "hello");
        assertExit(2, notJson);
        assertTrue(notJson.err().contains("message is not JSON"), notJson.describe());
        assertExit(2, cli("send", "jobs", "null"));
        assertExit(2, cli("send", "jobs", "--base64", "AQID"));
        assertExit(2, cli("send", "blobs", "--base64", "***"));
        CliProcess.Result tooLarge = cli("send", "numbers", "--string", "x".repeat(100));
        assertExit(1, tooLarge);
        assertTrue(tooLarge.err().contains("numbers"), tooLarge.describe());
        CliProcess.Result closed = cli("send", "finished", "1");
        assertExit(1, closed);
        assertTrue(closed.err().contains("channel closed"), closed.describe());
        CliProcess.Result created = cli("send", "fresh", "--create", "{\"k\": [1, 2]}");
        assertExit(0, created);
        assertEquals(List.of("{\"k\":[1,2]}"), cli("recv", "fresh").lines());
    }

    @Test
    void closeThenRm() throws Exception {
        assertExit(0, cli("close", "jobs"));
        assertTrue(lsChannel("jobs").get("closed").asBoolean());
        CliProcess.Result again = cli("close", "jobs");
        assertExit(0, again);
        assertTrue(again.err().contains("already closed"), again.describe());
        assertExit(1, cli("send", "jobs", "\"late\""));
        CliProcess.Result drain = cli("recv", "jobs", "--count", "4");
        assertExit(1, drain);
        assertEquals(3, drain.lines().size(), drain.describe());
        assertTrue(drain.err().contains("channel closed and drained: received 3 of 4"), drain.describe());
        CliProcess.Result closeMissing = cli("close", "nosuch");
        assertExit(1, closeMissing);
        assertTrue(closeMissing.err().contains("no such channel"), closeMissing.describe());

        CliProcess.Result rm = cli("rm", "jobs", "--json");
        assertExit(0, rm);
        assertEquals("{\"channel\":\"jobs\",\"deleted\":true}", rm.out().strip());
        assertFalse(Files.exists(domain.resolve("jobs.chan")));
        assertEquals(null, lsChannel("jobs"));
        CliProcess.Result rmAgain = cli("rm", "jobs");
        assertExit(1, rmAgain);
        assertTrue(rmAgain.err().contains("no such channel: channel=jobs"), rmAgain.describe());
    }

    @Test
    void kvGetSetDelLs() throws Exception {
        CliProcess.Result ls = cli("kv", "ls");
        assertExit(0, ls);
        assertEquals(List.of("config\t{\"retries\":3,\"tags\":[\"a\",\"b\"]}", "greeting\t\"hello\""), ls.lines());
        assertEquals(List.of("\"hello\""), cli("kv", "get", "greeting").lines());
        JsonNode config = JSON.readTree(cli("kv", "get", "config", "--json").out());
        assertEquals("config", config.get("key").asText());
        assertEquals(3, config.get("value").get("retries").asInt());

        assertExit(0, cli("kv", "set", "n", "41"));
        assertEquals(List.of("41"), cli("kv", "get", "n").lines());
        assertExit(0, cli("kv", "set", "n", "--string", "forty-one"));
        assertEquals(List.of("\"forty-one\""), cli("kv", "get", "n").lines());
        assertExit(0, cli("kv", "set", "nothing", "null"));
        CliProcess.Result nullValue = cli("kv", "get", "nothing");
        assertExit(0, nullValue);
        assertEquals(List.of("null"), nullValue.lines());
        assertExit(2, cli("kv", "set", "n", "forty"));

        assertExit(0, cli("kv", "del", "n"));
        CliProcess.Result delAgain = cli("kv", "del", "n");
        assertExit(1, delAgain);
        assertTrue(delAgain.err().contains("no such key: key=n"), delAgain.describe());
        assertExit(1, cli("kv", "get", "n"));
        JsonNode all = JSON.readTree(cli("kv", "ls", "--json").out());
        assertEquals(List.of("config", "greeting", "nothing"), iterable(all.get("entries").fieldNames()));
        assertTrue(all.get("version").asLong() >= 6, all.toString());
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> out = new java.util.ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }

    @Test
    void kvReadsNeverCreateTheStore() throws Exception {
        Path empty = Files.createDirectory(root.resolve("empty"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        CliProcess.Result get = CliProcess.run(logs, "--dir", empty.toString(), "kv", "get", "x");
        assertExit(1, get);
        CliProcess.Result ls = CliProcess.run(logs, "--dir", empty.toString(), "kv", "ls");
        assertExit(0, ls);
        assertEquals("", ls.out());
        try (var files = Files.list(empty)) {
            assertEquals(0, files.count(), "kv get/ls created files");
        }
    }

    @Test
    void subPrintsWhatPubAndOtherProcessesPublish() {
        try (CliProcess sub = startCli("sub", "news", "--count", "3", "--timeout", "30000")) {
            sub.awaitErr("subscribed to topic 'news'", WAIT);
            assertExit(0, cli("pub", "news", "{\"title\": \"hello\"}", "[1, 2]"));
            try (ChildJvm publisher = ChildJvm.start(logs, DomainFiller.class, "publish", domain.toString(), "news", "bye")) {
                publisher.awaitSuccess(WAIT);
            }
            CliProcess.Result result = sub.awaitExit(WAIT);
            assertExit(0, result);
            assertEquals(List.of("{\"title\":\"hello\"}", "[1,2]", "\"bye\""), result.lines());
        }
        CliProcess.Result quiet = cli("sub", "news", "--count", "1", "--timeout", "200", "--json");
        assertExit(1, quiet);
        assertTrue(quiet.err().contains("timed out: received 0 of 1"), quiet.describe());
    }

    @Test
    void theDefaultDomainComesFromTheEnvironment() throws Exception {
        CliProcess.Result ls = CliProcess.run(logs, Map.of("LITECOMM_DIR", domain.toString()), "ls", "--json");
        assertExit(0, ls);
        JsonNode root = JSON.readTree(ls.out());
        assertEquals(domain.toAbsolutePath().toString(), root.get("domain").asText());
        assertEquals(4, root.get("channels").size(), ls.describe());
    }
}
