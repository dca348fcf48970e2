package io.litecomm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.NoSuchChannelException;
import io.litecomm.SharedMemory;
import io.litecomm.testing.ChildJvm;
import io.litecomm.testing.RedisTestServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The tool on a {@code redis://} domain of the test server ({@link RedisTestServer}: skipped without
 * one, failing under {@code CI=true}): {@code ls}, {@code stat}, {@code send}, {@code recv},
 * {@code close}, {@code rm}, {@code kv}, {@code pub} and {@code sub} through the public API, against
 * channels and values another process (this JVM's {@code Comm}, or a tool in its own JVM) made;
 * {@code tail}, {@code check} and {@code salvage} refuse with a message naming the URI. After each
 * test no key is left outside a domain's prefix and the test's domain is dropped.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliRedisTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path logs;

    private RedisTestServer server;
    private URI uri;

    @BeforeEach
    void newDomain() {
        server = RedisTestServer.get();
        uri = server.uniqueDomain("cli");
    }

    @AfterEach
    void noStrayKeysAndDrop() {
        if (uri == null) {
            return;
        }
        try {
            assertEquals(List.of(), server.strayKeys(), "keys outside every litecomm domain's prefix");
        } finally {
            server.dropDomain(RedisTestServer.domainOf(uri));
        }
        assertEquals(List.of(), keysOf(""), "keys of the test's domain after dropDomain");
    }

    /** Runs {@code litecomm --url URI ARGS...} in this JVM. */
    private CliProcess.Result cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--url", uri.toString()));
        all.addAll(List.of(args));
        return inProcess(all.toArray(String[]::new));
    }

    private static CliProcess.Result inProcess(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = LitecommCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new CliProcess.Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                "litecomm " + String.join(" ", args));
    }

    private static void assertExit(int expected, CliProcess.Result result) {
        assertEquals(expected, result.exit(), result.describe());
    }

    /** Keys of the test's domain starting with {@code litecomm:{DOMAIN}:PART}. */
    private List<String> keysOf(String part) {
        String prefix = "litecomm:{" + RedisTestServer.domainOf(uri) + "}:" + part;
        return server.allKeys().stream().filter(key -> key.startsWith(prefix)).toList();
    }

    /** Processes that have the test's domain open: their liveness subscriptions. */
    private int liveProcesses() {
        try (Jedis jedis = server.jedis()) {
            return jedis.pubsubChannels("litecomm:{" + RedisTestServer.domainOf(uri) + "}:alive:*").size();
        }
    }

    /** jobs (String: job-1..3), blobs (byte[]: 01 02 03), finished (closed, empty). */
    private static void fill(Comm comm) {
        Channel<String> jobs = comm.channel("jobs", String.class);
        for (int i = 1; i <= 3; i++) {
            jobs.send("job-" + i);
        }
        comm.channel("blobs", byte[].class).send(new byte[] {1, 2, 3});
        comm.channel("finished", Integer.class).close();
    }

    @Test
    void lsAndStatShowWhatTheApiGives() throws Exception {
        try (Comm comm = Comm.open(uri)) {
            fill(comm);
            // another process, finding the domain in $LITECOMM_URL as Comm.current() does
            CliProcess.Result ls = CliProcess.run(logs, Map.of("LITECOMM_URL", uri.toString()), "ls", "--json");
            assertExit(0, ls);
            JsonNode root = JSON.readTree(ls.out());
            assertEquals(uri.toString(), root.get("domain").asText());
            JsonNode channels = root.get("channels");
            assertEquals(3, channels.size(), ls.describe());
            assertChannel(channels.get(0), "blobs", "bytes", 1, false);
            assertChannel(channels.get(1), "finished", "json:java.lang.Integer", 0, true);
            assertChannel(channels.get(2), "jobs", "json:java.lang.String", 3, false);
            assertTrue(channels.get(2).get("capacity").isNull(), ls.describe());
            assertTrue(channels.get(2).get("liveProducers").isNull(), ls.describe());

            CliProcess.Result table = cli("ls", "jobs");
            assertExit(0, table);
            assertEquals(List.of("NAME  TYPE                   CAPACITY  MAX-MSG  MESSAGES  USED  CLOSED  PRODUCERS  CONSUMERS",
                    "jobs  json:java.lang.String  -         -        3         -     no      -          -"), table.lines());
            CliProcess.Result missing = cli("ls", "jobs", "nosuch");
            assertExit(1, missing);
            assertTrue(missing.out().contains("\njobs "), missing.describe());
            assertTrue(missing.err().contains("no such channel: channel=nosuch uri=" + uri), missing.describe());

            CliProcess.Result stat = cli("stat", "--count", "1", "--interval", "20", "--json");
            assertExit(0, stat);
            assertEquals(1, stat.lines().size(), stat.describe());
            JsonNode refresh = JSON.readTree(stat.out()).get("channels");
            assertEquals(3, refresh.size(), stat.describe());
            assertEquals("jobs", refresh.get(2).get("name").asText());
            assertEquals(3, refresh.get(2).get("messages").asInt());
            assertEquals(0.0, refresh.get(2).get("messagesChangePerSecond").asDouble(), stat.describe());
            CliProcess.Result statTable = cli("stat", "--count", "1", "--interval", "20");
            assertExit(0, statTable);
            assertTrue(statTable.lines().get(0).startsWith("litecomm stat  " + uri + "  "), statTable.describe());
            assertEquals("NAME      TYPE                    MESSAGES  CHANGE/S  CLOSED", statTable.lines().get(1));
            assertEquals("finished  json:java.lang.Integer  0         +0.0      yes", statTable.lines().get(3));
        }
    }

    private static void assertChannel(JsonNode channel, String name, String type, int messages, boolean closed) {
        assertEquals(name, channel.get("name").asText(), channel.toString());
        assertEquals(type, channel.get("type").asText(), channel.toString());
        assertEquals(messages, channel.get("messages").asInt(), channel.toString());
        assertEquals(closed, channel.get("closed").asBoolean(), channel.toString());
    }

    @Test
    void sendAndRecvReachJavaProcessesBothWays() {
        try (Comm comm = Comm.open(uri)) {
            fill(comm);
            Channel<String> jobs = comm.channel("jobs", String.class);
            CliProcess.Result recv = cli("recv", "jobs", "--count", "2");
            assertExit(0, recv);
            assertEquals(List.of("\"job-1\"", "\"job-2\""), recv.lines());
            assertExit(0, cli("send", "jobs", "--string", "from the shell"));
            assertEquals("job-3", jobs.receive(WAIT).orElseThrow());
            assertEquals("from the shell", jobs.receive(WAIT).orElseThrow());

            CliProcess.Result empty = cli("recv", "jobs", "--timeout", "200");
            assertExit(1, empty);
            assertTrue(empty.err().contains("timed out: received 0 of 1"), empty.describe());
            // a tool in another JVM, waiting for a message once it has opened the domain, gets one this process sends
            try (CliProcess waiting = CliProcess.start(logs, Map.of(), "--url", uri.toString(), "recv", "jobs", "--json",
                    "--timeout", "30000")) {
                ChildJvm.Await.until(() -> liveProcesses() == 2, WAIT, () -> "the tool never opened the domain");
                jobs.send("late");
                CliProcess.Result woken = waiting.awaitExit(WAIT);
                assertExit(0, woken);
                assertEquals(List.of("{\"channel\":\"jobs\",\"value\":\"late\"}"), woken.lines());
            }

            assertExit(0, cli("send", "blobs", "--hex", "0a0b"));
            CliProcess.Result blobs = cli("recv", "blobs", "--count", "2", "--hex");
            assertExit(0, blobs);
            assertEquals(List.of("010203", "0a0b"), blobs.lines());

            CliProcess.Result typed = cli("send", "jobs", "\"one\"", "--json");
            assertExit(0, typed);
            assertEquals("{\"channel\":\"jobs\",\"type\":\"json:java.lang.String\",\"sent\":1}", typed.out().strip());
            assertEquals("one", jobs.receive(WAIT).orElseThrow());
        }
    }

    @Test
    void sendRefusesWhatTheChannelCannotTake() {
        try (Comm comm = Comm.open(uri)) {
            fill(comm);
            CliProcess.Result missing = cli("send", "nosuch", "1");
            assertExit(1, missing);
            assertTrue(missing.err().contains("no such channel: channel=nosuch"), missing.describe());
            assertEquals(List.of(), keysOf("q:nosuch"), "a refused send created the channel");
            CliProcess.Result notJson = cli("send", "jobs", "hello");
            assertExit(2, notJson);
            assertTrue(notJson.err().contains("message is not JSON"), notJson.describe());
            assertExit(2, cli("send", "jobs", "--base64", "AQID"));
            CliProcess.Result closed = cli("send", "finished", "1");
            assertExit(1, closed);
            assertTrue(closed.err().contains("channel closed"), closed.describe());

            assertExit(0, cli("send", "fresh", "--create", "{\"k\": [1, 2]}"));
            assertEquals(List.of("{\"k\":[1,2]}"), cli("recv", "fresh").lines());
            CliProcess.Result recvMissing = cli("recv", "nosuch", "--timeout", "0");
            assertExit(1, recvMissing);
            assertTrue(recvMissing.err().contains("no such channel: channel=nosuch"), recvMissing.describe());
        }
    }

    @Test
    void closeThenRm() {
        try (Comm comm = Comm.open(uri)) {
            fill(comm);
            Channel<String> jobs = comm.channel("jobs", String.class);
            assertExit(0, cli("close", "jobs"));
            assertTrue(jobs.isClosed());
            CliProcess.Result again = cli("close", "jobs");
            assertExit(0, again);
            assertTrue(again.err().contains("already closed: channel=jobs"), again.describe());
            assertExit(1, cli("send", "jobs", "\"late\""));
            CliProcess.Result drain = cli("recv", "jobs", "--count", "4");
            assertExit(1, drain);
            assertEquals(3, drain.lines().size(), drain.describe());
            assertTrue(drain.err().contains("channel closed and drained: received 3 of 4"), drain.describe());
            CliProcess.Result closeMissing = cli("close", "nosuch");
            assertExit(1, closeMissing);
            assertTrue(closeMissing.err().contains("no such channel: channel=nosuch"), closeMissing.describe());

            assertFalse(keysOf("q:jobs").isEmpty(), "the channel's keys before rm");
            CliProcess.Result rm = cli("rm", "jobs", "--json");
            assertExit(0, rm);
            assertEquals("{\"channel\":\"jobs\",\"deleted\":true}", rm.out().strip());
            try (Jedis jedis = server.jedis()) {
                for (String key : keysOf("q:jobs")) {
                    assertTrue(jedis.pttl(key) > 0, "a key of a removed channel that does not expire: " + key);
                }
            }
            assertThrows(NoSuchChannelException.class, () -> comm.getChannel("jobs"));
            CliProcess.Result rmAgain = cli("rm", "jobs");
            assertExit(1, rmAgain);
            assertTrue(rmAgain.err().contains("no such channel: channel=jobs uri=" + uri), rmAgain.describe());
            assertEquals(List.of("blobs", "finished"), new ArrayList<>(comm.getChannels().keySet()));
        }
    }

    @Test
    void tailCheckAndSalvageNeedAFileDomain() {
        try (Comm comm = Comm.open(uri)) {
            fill(comm);
            for (String[] args : List.of(new String[] {"tail", "jobs"}, new String[] {"check"},
                    new String[] {"salvage", "jobs"})) {
                CliProcess.Result refused = cli(args);
                assertExit(1, refused);
                assertTrue(refused.err().contains("litecomm: " + args[0] + ": needs a file: domain: uri=" + uri + " ("),
                        refused.describe());
                assertEquals("", refused.out(), refused.describe());
            }
            assertEquals(3, comm.channel("jobs", String.class).size(), "tail took messages");
        }
    }

    @Test
    void theDomainIsADirectoryOrAUriButNotMemory() throws Exception {
        CliProcess.Result memory = inProcess("--url", "mem:tests", "ls");
        assertExit(2, memory);
        assertTrue(memory.err().contains("not a shared domain: --url mem:tests"), memory.describe());
        CliProcess.Result both = inProcess("--dir", logs.toString(), "--url", uri.toString(), "ls");
        assertExit(2, both);
        assertTrue(both.err().contains("give --dir DIR or --url URI, not both"), both.describe());
        CliProcess.Result noScheme = inProcess("--url", "no-scheme", "ls");
        assertExit(2, noScheme);
        assertTrue(noScheme.err().contains("a domain URI needs a scheme"), noScheme.describe());

        Path dir = Files.createDirectory(logs.resolve("domain"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        assertExit(0, inProcess("--url", dir.toUri().toString(), "send", "files", "--create", "1"));
        assertTrue(Files.exists(dir.resolve("files.chan")), "--url file: works on the directory");
        CliProcess.Result ls = inProcess("--url", dir.toUri().toString(), "ls", "--json");
        assertExit(0, ls);
        assertEquals(dir.toString(), JSON.readTree(ls.out()).get("domain").asText());
        assertEquals(List.of(), keysOf(""), "a file: domain touched the server");
    }

    @Test
    void passwordsAreNeverPrinted() {
        String secret = "s3cret-pw";
        URI withPassword = URI.create("redis://litecomm:" + secret + "@" + server.host() + ":" + server.port() + "/"
                + RedisTestServer.domainOf(uri));
        CliProcess.Result wrong = inProcess("--url", withPassword.toString(), "ls");
        assertExit(1, wrong);
        assertTrue(wrong.err().contains("server=redis://" + server.host() + ":" + server.port()), wrong.describe());
        CliProcess.Result refused = inProcess("--url", withPassword.toString(), "tail", "jobs");
        assertExit(1, refused);
        assertTrue(refused.err().contains("uri=redis://litecomm:***@"), refused.describe());
        URI unreachable = URI.create("redis://litecomm:" + secret + "@127.0.0.1:1/x");
        CliProcess.Result down = CliProcess.run(logs, Map.of("LITECOMM_URL", unreachable.toString()), "recv", "jobs",
                "--timeout", "0");
        assertExit(1, down);
        CliProcess.Result badUri = inProcess("--url", "redis://litecomm:" + secret + "@host:port/x", "ls");
        assertExit(1, badUri);
        for (CliProcess.Result result : List.of(wrong, refused, down, badUri)) {
            assertFalse(result.out().contains(secret) || result.err().contains(secret), result.describe());
        }
    }

    /** Shared memory: needs the Redis shared store. */
    @Test
    void kvGetSetDelLs() throws Exception {
        CliProcess.Result getMissing = cli("kv", "get", "greeting");
        assertExit(1, getMissing);
        assertTrue(getMissing.err().contains("no such key: key=greeting uri=" + uri), getMissing.describe());
        CliProcess.Result lsEmpty = cli("kv", "ls", "--json");
        assertExit(0, lsEmpty);
        assertEquals("{\"version\":0,\"entries\":{}}", lsEmpty.out().strip());
        assertEquals(List.of(), keysOf("kv"), "kv get and kv ls wrote to the store");
        try (Comm comm = Comm.open(uri)) {
            SharedMemory memory = comm.sharedMemory();
            memory.set("greeting", "hello");
            CliProcess.Result ls = cli("kv", "ls");
            assertExit(0, ls);
            assertEquals(List.of("greeting\t\"hello\""), ls.lines());
            assertEquals(List.of("\"hello\""), cli("kv", "get", "greeting").lines());
            assertExit(0, cli("kv", "set", "n", "41"));
            assertEquals(41, memory.get("n"));
            assertExit(0, cli("kv", "set", "config", "{\"retries\": 3}"));
            JsonNode config = JSON.readTree(cli("kv", "get", "config", "--json").out());
            assertEquals(3, config.get("value").get("retries").asInt(), config.toString());
            assertExit(2, cli("kv", "set", "n", "forty"));

            assertExit(0, cli("kv", "del", "n"));
            assertEquals(null, memory.get("n"));
            CliProcess.Result delAgain = cli("kv", "del", "n");
            assertExit(1, delAgain);
            assertTrue(delAgain.err().contains("no such key: key=n uri=" + uri), delAgain.describe());
            assertExit(1, cli("kv", "get", "n"));
            JsonNode all = JSON.readTree(cli("kv", "ls", "--json").out());
            List<String> keys = new ArrayList<>();
            all.get("entries").fieldNames().forEachRemaining(keys::add);
            assertEquals(List.of("config", "greeting"), keys);
        }
    }

    /** Pub/sub across processes: needs the Redis shared store. */
    @Test
    void subPrintsWhatPubAndOtherProcessesPublish() {
        assertExit(0, cli("pub", "news", "\"before anyone listens\""));
        try (Comm comm = Comm.open(uri);
             CliProcess sub = CliProcess.start(logs, Map.of(), "--url", uri.toString(), "sub", "news", "--count", "3",
                     "--timeout", "30000")) {
            sub.awaitErr("subscribed to topic 'news' in " + uri, WAIT);
            assertExit(0, cli("pub", "news", "{\"title\": \"hello\"}", "[1, 2]"));
            comm.sharedMemory().publish("news", "bye");
            CliProcess.Result result = sub.awaitExit(WAIT);
            assertExit(0, result);
            assertEquals(List.of("{\"title\":\"hello\"}", "[1,2]", "\"bye\""), result.lines());
        }
        CliProcess.Result quiet = cli("sub", "news", "--count", "1", "--timeout", "200");
        assertExit(1, quiet);
        assertTrue(quiet.err().contains("timed out: received 0 of 1"), quiet.describe());
    }
}
