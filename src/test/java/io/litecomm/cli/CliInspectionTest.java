package io.litecomm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ls}, {@code tail}, {@code stat} and {@code check} run as separate processes against a
 * domain that another process filled and still uses (it holds its producer slots).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliInspectionTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path root;

    private static Path domain;
    private static ChildJvm filler;
    private static long fillerPid;
    private static Comm comm;

    @BeforeAll
    static void fillDomain() {
        domain = root.resolve("domain");
        filler = ChildJvm.start(root.resolve("logs"), DomainFiller.class, "fill", domain.toString(), "hold");
        filler.awaitOutput("FILLED", WAIT);
        fillerPid = filler.process().pid();
        comm = Comm.open(domain);
    }

    @AfterAll
    static void stopFiller() {
        if (comm != null) {
            comm.close();
        }
        if (filler != null) {
            filler.close();
        }
    }

    private static CliProcess.Result cli(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--dir";
        all[1] = domain.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return CliProcess.run(root.resolve("logs"), all);
    }

    private static CliProcess startCli(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--dir";
        all[1] = domain.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return CliProcess.start(root.resolve("logs"), Map.of(), all);
    }

    private static Map<String, JsonNode> channelsByName(String lsJson) throws Exception {
        Map<String, JsonNode> byName = new HashMap<>();
        JSON.readTree(lsJson).get("channels").forEach(node -> byName.put(node.get("name").asText(), node));
        return byName;
    }

    @Test
    void lsShowsChannelsTypesDepthsAndLiveProducers() {
        CliProcess.Result ls = cli("ls");
        assertEquals(0, ls.exit(), ls.describe());
        assertEquals("NAME TYPE CAPACITY MAX-MSG MESSAGES USED CLOSED PRODUCERS CONSUMERS",
                ls.lines().get(0).replaceAll(" +", " "));
        Map<String, List<String>> rows = new HashMap<>();
        ls.lines().stream().skip(1).forEach(line -> rows.put(line.split(" +")[0], Arrays.asList(line.split(" +"))));
        assertEquals(List.of("jobs", "json:java.lang.String", "1MiB", "256KiB", "3", "96B", "no", "1", "-"), rows.get("jobs"),
                ls.describe());
        assertEquals(List.of("numbers", "json:java.lang.Integer", "4KiB", "64B", "3", "96B", "no", "1", "-"),
                rows.get("numbers"), ls.describe());
        assertEquals("bytes", rows.get("blobs").get(1), ls.describe());
        assertEquals(List.of("finished", "json:any", "1MiB", "256KiB", "1", "32B", "yes", "1", "-"), rows.get("finished"),
                ls.describe());
    }

    @Test
    void lsJsonGivesEveryField() throws Exception {
        CliProcess.Result ls = cli("ls", "--json");
        assertEquals(0, ls.exit(), ls.describe());
        assertEquals(1, ls.lines().size(), ls.describe());
        JsonNode root = JSON.readTree(ls.out());
        assertEquals(domain.toAbsolutePath().toString(), root.get("domain").asText());
        Map<String, JsonNode> channels = channelsByName(ls.out());
        JsonNode jobs = channels.get("jobs");
        assertEquals("json:java.lang.String", jobs.get("type").asText());
        assertEquals(1 << 20, jobs.get("capacity").asInt());
        assertEquals(3, jobs.get("messages").asInt());
        assertEquals(96, jobs.get("usedBytes").asInt());
        assertEquals(false, jobs.get("closed").asBoolean());
        assertEquals(1, jobs.get("liveProducers").asInt());
        assertEquals(fillerPid, jobs.get("producerPids").get(0).asLong());
        assertTrue(jobs.get("consumers").isNull(), ls.describe());
        assertEquals(domain.resolve("jobs.chan").toAbsolutePath().toString(), jobs.get("file").asText());
        assertEquals(4096, channels.get("numbers").get("capacity").asInt());
        assertEquals(64, channels.get("numbers").get("maxMessage").asInt());
        assertTrue(channels.get("finished").get("closed").asBoolean(), ls.describe());
        assertEquals(0, root.get("errors").size());
    }

    @Test
    void lsFailsOnMissingDomainOrChannel() throws Exception {
        CliProcess.Result named = cli("ls", "jobs", "nosuch", "--json");
        assertEquals(1, named.exit(), named.describe());
        assertTrue(named.err().contains("no such channel: channel=nosuch"), named.describe());
        assertEquals(List.of("jobs"), List.copyOf(channelsByName(named.out()).keySet()));
        CliProcess.Result missing = CliProcess.run(root.resolve("logs"), "--dir", root.resolve("nowhere").toString(), "ls");
        assertEquals(1, missing.exit(), missing.describe());
        assertTrue(missing.err().contains("no such domain directory"), missing.describe());
    }

    @Test
    void tailPrintsWaitingMessagesWithoutTakingThem() throws Exception {
        CliProcess.Result tail = cli("tail", "jobs", "--count", "3");
        assertEquals(0, tail.exit(), tail.describe());
        assertEquals(List.of("\"job-1\"", "\"job-2\"", "\"job-3\""), tail.lines());
        CliProcess.Result json = cli("tail", "jobs", "--count", "1", "--json");
        assertEquals(0, json.exit(), json.describe());
        assertEquals("{\"channel\":\"jobs\",\"position\":0,\"value\":\"job-1\"}", json.out().strip());
        CliProcess.Result hex = cli("tail", "blobs", "--count", "2", "--hex");
        assertEquals(List.of("010203", "ff"), hex.lines(), hex.describe());
        CliProcess.Result base64 = cli("tail", "blobs", "--count", "2");
        assertEquals(List.of("AQID", "/w=="), base64.lines(), base64.describe());
        assertEquals(3, channelsByName(cli("ls", "--json").out()).get("jobs").get("messages").asInt(), "tail took messages");
    }

    @Test
    void tailStopsAtTimeoutOrWhenTheChannelIsClosedAndRead() {
        CliProcess.Result timedOut = cli("tail", "jobs", "--count", "5", "--timeout", "300");
        assertEquals(1, timedOut.exit(), timedOut.describe());
        assertEquals(3, timedOut.lines().size(), timedOut.describe());
        assertTrue(timedOut.err().contains("timed out: printed 3 of 5"), timedOut.describe());
        CliProcess.Result closed = cli("tail", "finished");
        assertEquals(0, closed.exit(), closed.describe());
        assertEquals(List.of("{\"a\":1}"), closed.lines());
        CliProcess.Result missing = cli("tail", "nosuch");
        assertEquals(1, missing.exit(), missing.describe());
        assertTrue(missing.err().contains("no such channel: channel=nosuch"), missing.describe());
    }

    @Test
    void tailFollowsNewMessages() {
        Channel<String> feed = comm.channel("feed", String.class);
        feed.send("one");
        try (CliProcess tail = startCli("tail", "feed", "--count", "3")) {
            tail.awaitOut("\"one\"", WAIT);
            feed.send("two");
            tail.awaitOut("\"two\"", WAIT);
            feed.send("three");
            CliProcess.Result result = tail.awaitExit(WAIT);
            assertEquals(0, result.exit(), result.describe());
            assertEquals(List.of("\"one\"", "\"two\"", "\"three\""), result.lines());
        }
        assertEquals(3, feed.size(), "tail took messages");
    }

    @Test
    void tailReportsRecordsOverwrittenBeforeItReadThem() {
        Channel<String> small = comm.channel("small", String.class,
                ChannelOptions.builder().capacity(4096).maxMessageSize(200).build());
        small.send("first");
        try (CliProcess tail = startCli("tail", "small")) {
            tail.awaitOut("\"first\"", WAIT);
            tail.signal("STOP");
            assertEquals("first", small.receive(WAIT).orElseThrow());
            String filler = "x".repeat(100);
            for (int i = 0; i < 100; i++) {
                small.send(filler);
                assertEquals(filler, small.receive(WAIT).orElseThrow());
            }
            small.send("last");
            tail.signal("CONT");
            tail.awaitErr("skipped", WAIT);
            tail.awaitOut("\"last\"", WAIT);
            assertTrue(tail.err().contains("bytes of records overwritten before they could be read"), tail.err());
            assertTrue(tail.out().lines().noneMatch(line -> line.contains("xxx")), tail.out());
        }
    }

    @Test
    void statRefreshesACountedNumberOfTimes() {
        CliProcess.Result stat = cli("stat", "--count", "2", "--interval", "100");
        assertEquals(0, stat.exit(), stat.describe());
        assertEquals(2, stat.lines().stream().filter(line -> line.startsWith("litecomm stat  ")).count(), stat.describe());
        assertEquals(2, stat.lines().stream().filter(line -> line.startsWith("NAME ")).count(), stat.describe());
        assertTrue(stat.lines().stream().anyMatch(line -> line.matches("jobs +3 +0\\.0% +0\\.0 +0\\.0 .*")), stat.describe());
    }

    @Test
    void statJsonShowsRatesOfMessagesSentMeanwhile() {
        Channel<String> busy = comm.channel("busy", String.class);
        try (CliProcess stat = startCli("stat", "--json", "--interval", "100", "--count", "300")) {
            stat.awaitOut("\"channels\"", WAIT);
            for (int i = 0; i < 20; i++) {
                busy.send("message " + i);
            }
            ChildJvm.Await.until(() -> stat.out().lines().anyMatch(line -> busyRate(line) > 0), WAIT,
                    () -> "no rate for 'busy': " + stat.out());
            ChildJvm.Await.until(() -> stat.out().lines().anyMatch(line -> busyMessages(line) == 20), WAIT,
                    () -> "depth of 'busy' never 20: " + stat.out());
        }
    }

    private static double busyRate(String line) {
        JsonNode busy = busy(line);
        return busy == null || !busy.has("messagesInPerSecond") ? 0 : busy.get("messagesInPerSecond").asDouble();
    }

    private static int busyMessages(String line) {
        JsonNode busy = busy(line);
        return busy == null ? -1 : busy.get("messages").asInt();
    }

    private static JsonNode busy(String line) {
        try {
            for (JsonNode channel : JSON.readTree(line).get("channels")) {
                if (channel.get("name").asText().equals("busy")) {
                    return channel;
                }
            }
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    @Test
    void checkPassesAHealthyDomainInUse() throws Exception {
        CliProcess.Result check = cli("check");
        assertEquals(0, check.exit(), check.describe());
        for (String file : List.of("jobs.chan", "numbers.chan", "blobs.chan", "finished.chan", "storage.page", "pubsub.ring")) {
            assertTrue(check.out().contains("ok       " + domain.resolve(file).toAbsolutePath()), file + ": " + check.describe());
        }
        assertTrue(check.lines().get(check.lines().size() - 1).endsWith(": all valid"), check.describe());
        CliProcess.Result json = cli("check", "--json");
        assertEquals(0, json.exit(), json.describe());
        JsonNode root = JSON.readTree(json.out());
        assertTrue(root.get("ok").asBoolean(), json.describe());
        assertEquals(0, root.get("problems").asInt());
    }
}
