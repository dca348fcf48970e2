package io.litecomm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.mapped.mailbox.HalfWriter;
import io.litecomm.testing.ChildJvm;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code check} on damaged files, and the promise that inspecting never changes a file. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliCheckTest {

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

    private static void write(Path file, long offset, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes), offset);
        }
    }

    private static byte[] intBytes(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    @Test
    void checkNamesEveryDamagedFileAndExitsWithOne() throws Exception {
        Path numbers = domain.resolve("numbers.chan");
        Path jobs = domain.resolve("jobs.chan");
        Path page = domain.resolve("storage.page");
        Path shortFile = domain.resolve("short.chan");
        Path link = domain.resolve("link.chan");
        write(numbers, 0, "NOTAMBOX".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        write(jobs, 8192 + 32 + 8, intBytes(5));            // length of the record at position 32
        byte[] payloadByte = new byte[1];
        try (FileChannel channel = FileChannel.open(page, StandardOpenOption.READ)) {
            channel.read(ByteBuffer.wrap(payloadByte), 4096 + 32 + 24 + 1);
        }
        write(page, 4096 + 32 + 24 + 1, new byte[] {(byte) (payloadByte[0] ^ 0x20)}); // in the payload of a SET record
        Files.write(shortFile, new byte[100]);
        Files.setPosixFilePermissions(shortFile, PosixFilePermissions.fromString("rw-------"));
        Files.createSymbolicLink(link, domain.resolve("blobs.chan"));

        CliProcess.Result check = cli("check");
        assertEquals(1, check.exit(), check.describe());
        String out = check.out();
        assertTrue(out.contains("CORRUPT  " + numbers + ": bad magic: expected=0x58424c49414d434c"), check.describe());
        assertTrue(out.contains("CORRUPT  " + jobs + ": impossible record: check word does not match: position=32"),
                check.describe());
        assertTrue(out.contains("CORRUPT  " + page + ": checksum mismatch: position=32"), check.describe());
        assertTrue(out.contains("CORRUPT  " + shortFile + ": truncated header: length=100"), check.describe());
        assertTrue(out.contains("CORRUPT  " + link + ": refused: file is a symbolic link"), check.describe());
        assertTrue(out.contains("ok       " + domain.resolve("blobs.chan")), check.describe());
        assertTrue(out.contains("ok       " + domain.resolve("pubsub.ring")), check.describe());
        assertTrue(out.strip().endsWith(": 5 files have problems"), check.describe());

        CliProcess.Result json = cli("check", "--json");
        assertEquals(1, json.exit(), json.describe());
        JsonNode report = JSON.readTree(json.out());
        assertEquals(false, report.get("ok").asBoolean());
        assertEquals(5, report.get("problems").asInt());
        Map<String, JsonNode> files = new TreeMap<>();
        report.get("files").forEach(file -> files.put(file.get("file").asText(), file));
        assertEquals("checksum mismatch: position=32 type=2 version=1",
                files.get(page.toString()).get("problems").get(0).asText());
        assertTrue(files.get(domain.resolve("finished.chan").toString()).get("ok").asBoolean(), json.describe());

        CliProcess.Result ls = cli("ls");
        assertEquals(1, ls.exit(), ls.describe());
        assertTrue(ls.err().contains("corrupt file: " + numbers + ": bad magic"), ls.describe());
        assertTrue(ls.out().contains("\nblobs "), ls.describe());
    }

    @Test
    void checkReportsATruncatedPubSubRing() throws Exception {
        Path ring = domain.resolve("pubsub.ring");
        try (FileChannel channel = FileChannel.open(ring, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 4096);
        }
        CliProcess.Result check = cli("check");
        assertEquals(1, check.exit(), check.describe());
        assertTrue(check.out().contains("CORRUPT  " + ring + ": impossible header:"), check.describe());
    }

    @Test
    void checkNotesASendInProgressAndAProducerThatDiedMidMessage() {
        Path half = domain.resolve("half.chan");
        try (ChildJvm writer = ChildJvm.start(logs, HalfWriter.class, domain.toString(), "half", "2", "stall")) {
            writer.awaitOutput("claimed", Duration.ofSeconds(30));
            CliProcess.Result busy = cli("check");
            assertEquals(0, busy.exit(), busy.describe());
            assertTrue(busy.out().contains("note     " + half + ": a send is in progress at position 256 (producer pid "
                    + writer.process().pid() + ")"), busy.describe());
            assertTrue(busy.out().contains("ok       " + half + ": bytes, capacity 65536, 2 messages before position 256"),
                    busy.describe());
            writer.process().destroyForcibly();
            writer.awaitExit(Duration.ofSeconds(30));
            CliProcess.Result dead = cli("check");
            assertEquals(0, dead.exit(), dead.describe());
            assertTrue(dead.out().contains("note     " + half + ": a producer (pid " + writer.process().pid()
                    + ") died while sending at position 256"), dead.describe());
            CliProcess.Result ls = cli("ls", "half");
            assertEquals(0, ls.exit(), ls.describe());
            assertTrue(ls.lines().get(1).matches("half +bytes +64KiB +4KiB +3 +384B +no +0 +-"), ls.describe());
        }
    }

    @Test
    void inspectingNeverChangesAFile() throws Exception {
        Map<String, String> before = snapshot(domain);
        List<String[]> commands = List.of(new String[] {"ls"}, new String[] {"ls", "--json"},
                new String[] {"stat", "--count", "1", "--interval", "50"}, new String[] {"tail", "jobs", "--count", "3"},
                new String[] {"tail", "finished"}, new String[] {"check"}, new String[] {"check", "--json"});
        for (String[] command : commands) {
            CliProcess.Result result = cli(command);
            assertEquals(0, result.exit(), result.describe());
        }
        assertEquals(before, snapshot(domain));
    }

    /** Every file of a directory: name to content hash, size and modification time. */
    private static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path file : list.toList()) {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
                files.put(file.getFileName().toString(), HexFormat.of().formatHex(digest) + " "
                        + Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toMillis());
            }
        }
        return files;
    }
}
