package io.litecomm.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.CorruptFileException;
import io.litecomm.SharedMemory;
import io.litecomm.Subscription;
import io.litecomm.format.DocumentReader.MailboxRecord;
import io.litecomm.format.DocumentReader.PageRecord;
import io.litecomm.format.DocumentReader.RingRecord;
import io.litecomm.testing.InProcessCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The golden files of {@code src/test/resources/format/} (one per on-disk format and version, plus
 * damaged variants) read through the public API, the {@code litecomm} command and a reader written
 * from {@code docs/FORMAT.md} alone; and today's writers, run again, must produce the same bytes
 * except the fields FORMAT.md names as varying. So a format change cannot slip through by moving
 * writer, reader and tests together: it has to regenerate these files ({@link GoldenFiles}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GoldenFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    private Path domain() throws IOException {
        Path domain = root.resolve("domain");
        if (!Files.exists(domain)) {
            Files.createDirectory(domain, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return domain;
    }

    /** Installs a golden file in the domain under the name litecomm gives that format. */
    private Path install(String golden) throws IOException {
        String name = golden.endsWith(".chan") ? GoldenFiles.CHANNEL + ".chan"
                : golden.contains(".page") ? "storage.page" : "pubsub.ring";
        Path file = domain().resolve(name);
        Files.write(file, GoldenFiles.read(golden));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static String json(String text) throws IOException {
        return JSON.writeValueAsString(text);
    }

    // ---- the good files, read ----

    @Test
    void mailboxReadsAsTheDocumentSays() throws IOException {
        List<MailboxRecord> records = DocumentReader.mailbox(GoldenFiles.read(GoldenFiles.MAILBOX));
        List<String> messages = GoldenFiles.MAILBOX_MESSAGES;
        // the ring wrapped: padding from 3712 to the ring's end (4096), then the messages from ring offset 0
        assertEquals(List.of(new MailboxRecord(3712, false, null),
                new MailboxRecord(4096, true, json(messages.get(0))),
                new MailboxRecord(5024, true, json(messages.get(1))),
                new MailboxRecord(5952, true, json(messages.get(2))),
                new MailboxRecord(5984, true, json(messages.get(3)))), records);
    }

    @Test
    void mailboxReadsThroughTheApiAndTheCommand() throws IOException {
        Path file = install(GoldenFiles.MAILBOX);
        String[] ls = InProcessCli.run(domain(), "ls");
        assertEquals("0", ls[0], ls[2]);
        assertTrue(ls[1].lines().anyMatch(line -> line.matches("golden\\s+json:java\\.lang\\.String\\s+4KiB\\s+1KiB\\s+4\\s.*")),
                ls[1]);
        String[] tail = InProcessCli.run(domain(), "tail", GoldenFiles.CHANNEL, "--count", "4");
        assertEquals("0", tail[0], tail[2]);
        List<String> expected = new ArrayList<>();
        for (String message : GoldenFiles.MAILBOX_MESSAGES) {
            expected.add(json(message));
        }
        assertEquals(expected, tail[1].lines().toList());
        String[] check = InProcessCli.run(domain(), "check");
        assertEquals("0", check[0], check[1] + check[2]);
        assertTrue(check[1].contains("ok       " + file + ": json:java.lang.String, capacity 4096, 4 messages"), check[1]);

        try (Comm comm = Comm.open(domain())) {
            Channel<Object> untyped = comm.getChannel(GoldenFiles.CHANNEL);
            assertEquals(4, untyped.size());
            Channel<String> channel = comm.channel(GoldenFiles.CHANNEL, String.class);
            List<String> received = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                received.add(channel.receive(Duration.ofSeconds(5)).orElseThrow());
            }
            assertEquals(GoldenFiles.MAILBOX_MESSAGES, received);
            assertEquals(Optional.empty(), channel.tryReceive());
            assertEquals(false, channel.isClosed());
        }
    }

    @Test
    void pageReadsAsTheDocumentSays() throws IOException {
        List<PageRecord> records = DocumentReader.page(GoldenFiles.read(GoldenFiles.PAGE));
        // generation 1: the active slot is slot 1; its SNAPSHOT is the compaction, versions follow one by one
        assertEquals(1, records.get(0).type());
        assertEquals(66, records.get(0).version());
        for (int i = 1; i < records.size(); i++) {
            assertEquals(records.get(0).version() + i, records.get(i).version(), "record " + i);
        }
        PageRecord last = records.get(records.size() - 1);
        assertEquals(76, last.version());
        assertEquals(2, last.type());
        assertEquals(Map.of("k", "count", "v", 4), JSON.readValue(last.payload(), Map.class));
    }

    @Test
    void pageReadsThroughTheApiAndTheCommand() throws IOException {
        Path file = install(GoldenFiles.PAGE);
        String[] check = InProcessCli.run(domain(), "check");
        assertEquals("0", check[0], check[1] + check[2]);
        assertTrue(check[1].contains("ok       " + file + ": 4 keys, version 76, generation 1"), check[1]);
        String[] kv = InProcessCli.run(domain(), "kv", "ls");
        assertEquals("0", kv[0], kv[2]);
        assertEquals(List.of("count\t4", "list\t[1,2,3]", "name\t\"litecomm\"", "nested\t{\"ok\":true,\"none\":{}}"),
                kv[1].lines().sorted().toList());
        try (Comm comm = Comm.open(domain())) {
            SharedMemory memory = comm.sharedMemory();
            assertEquals(GoldenFiles.PAGE_CONTENTS, memory.getAll());
            assertEquals(4, memory.get("count"));
            assertEquals("litecomm", memory.get("name", String.class));
            assertEquals(76, memory.version());
        }
    }

    @Test
    void ringReadsAsTheDocumentSays() {
        List<RingRecord> records = DocumentReader.ring(GoldenFiles.read(GoldenFiles.RING));
        // lapped once: the records at 0 and 736 were overwritten, the oldest intact one is at 1472
        List<RingRecord> expected = List.of(
                new RingRecord(1472, 2, "bulk", bulk(2)), new RingRecord(2208, 3, "bulk", bulk(3)),
                new RingRecord(2944, 4, "bulk", bulk(4)), new RingRecord(3680, 0, null, null),
                new RingRecord(4096, 5, "bulk", bulk(5)), new RingRecord(4832, 6, "news", "{\"n\":1}"),
                new RingRecord(4896, 7, "news", "\"two\""));
        assertEquals(expected, records);
    }

    private static String bulk(int i) {
        return new String(GoldenFiles.ringBulk(i), StandardCharsets.UTF_8);
    }

    @Test
    void ringReadsThroughTheApiAndTheCommand() throws Exception {
        Path file = install(GoldenFiles.RING);
        String[] check = InProcessCli.run(domain(), "check");
        assertEquals("0", check[0], check[1] + check[2]);
        assertTrue(check[1].contains("ok       " + file + ": capacity 4096, 6 messages in the ring, next sequence 8"),
                check[1]);
        // a subscriber starts at the tail: what the API can show of an existing ring is that it takes it
        // up where it stands (sequence 8, after a wrap)
        try (Comm comm = Comm.open(domain())) {
            SharedMemory memory = comm.sharedMemory();
            BlockingQueue<Object> received = new LinkedBlockingQueue<>();
            try (Subscription ignored = memory.onSubscriberReceive("news", received::add)) {
                memory.publish("news", Map.of("n", 3));
                assertEquals(Map.of("n", 3), received.poll(10, TimeUnit.SECONDS));
            }
        }
        List<RingRecord> after = DocumentReader.ring(Files.readAllBytes(file));
        RingRecord newest = after.get(after.size() - 1);
        assertEquals(new RingRecord(4960, 8, "news", "{\"n\":3}"), newest);
    }

    // ---- the damaged files: the documented error, from the API and from check ----

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "mailbox-1.0-bad-magic.chan        | bad magic: expected=0x58424c49414d434c actual=0x584f424d41544f4e",
        "mailbox-2.0-unknown-version.chan  | unsupported format version: file=2.0 supported=1.x",
        "mailbox-1.0-truncated.chan        | truncated: length=10240 expected=12288 capacity=4096",
        "mailbox-1.0-bad-counters.chan     | impossible counters: field=head>tail head=1048576 tail=6016 capacity=4096",
    })
    void damagedMailboxIsRefusedAtOpen(String golden, String problem) throws IOException {
        Path file = install(golden);
        try (Comm comm = Comm.open(domain())) {
            assertCorrupt(file, problem, () -> comm.getChannel(GoldenFiles.CHANNEL));
        }
        assertCheckReports(file, problem);
    }

    @Test
    void damagedRecordCheckWordIsReportedByTheReceiver() throws IOException {
        Path file = install("mailbox-1.0-bad-check.chan");
        try (Comm comm = Comm.open(domain())) {
            Channel<String> channel = comm.channel(GoldenFiles.CHANNEL, String.class);
            assertCorrupt(file, "impossible record: position=3712 offset=11904 type=2 length=368 maxMessage=1024 capacity=4096",
                    () -> channel.tryReceive());
        }
        assertCheckReports(file, "impossible record: check word does not match: position=3712 offset=11904 length=368");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "storage-2.0-bad-magic.page.gz         | open   | bad magic: expected=0x3145524f5453434c actual=0x524f545341544f4e |",
        "storage-3.0-unknown-version.page.gz   | open   | unsupported format version: file=3.0 supported=2.x |",
        "storage-2.0-truncated.page.gz         | open   | truncated header: length=2048 expected>=4096 |",
        "storage-2.0-bad-crc.page.gz           | getAll | checksum mismatch: position=0 type=1 version=66 |",
        "storage-2.0-slot-beyond-file.page.gz  | getAll"
            + " | impossible slot: slot=1 offset=139264 length=65536 end=8576 fileLength=135168 | impossible slot: slot=1",
    })
    void damagedPageIsRefused(String golden, String when, String problem, String checkProblem) throws IOException {
        Path file = install(golden);
        try (Comm comm = Comm.open(domain())) {
            if (when.equals("open")) {
                assertCorrupt(file, problem, () -> comm.sharedMemory());
            } else {
                SharedMemory memory = comm.sharedMemory();
                assertCorrupt(file, problem, () -> memory.getAll());
            }
        }
        assertCheckReports(file, checkProblem == null ? problem : checkProblem);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "pubsub-1.0-bad-magic.ring         | bad magic: expected=0x425553425550434c actual=0x474e495241544f4e"
            + " | bad magic: expected=0x425553425550434c actual=0x474e495241544f4e",
        "pubsub-2.0-unknown-version.ring   | unsupported format version: file=2.0 supported=1.x"
            + " | unsupported format version: file=2.0 supported=1.x",
        "pubsub-1.0-truncated.ring         | impossible header: headerLength=4096 capacity=4096 maxPayload=1024 length=5120"
            + " | impossible header: headerLength=4096 capacity=4096 maxPayload=1024 length=5120",
        "pubsub-1.0-bad-tail.ring          | impossible tail: tail=5000 capacity=4096"
            + " | impossible counters: claim=4960 tail=5000",
    })
    void damagedRingIsRefusedByThePublisher(String golden, String problem, String checkProblem) throws IOException {
        Path file = install(golden);
        try (Comm comm = Comm.open(domain())) {
            SharedMemory memory = comm.sharedMemory();
            assertCorrupt(file, problem, () -> memory.publish("news", 1));
        }
        assertCheckReports(file, checkProblem);
    }

    private static void assertCorrupt(Path file, String problem, Executable action) {
        CorruptFileException e = assertThrows(CorruptFileException.class, action);
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith("corrupt file: " + problem), e.getMessage());
        assertTrue(e.getMessage().endsWith(" file=" + file), e.getMessage());
    }

    private void assertCheckReports(Path file, String problem) throws IOException {
        String[] check = InProcessCli.run(domain(), "check");
        assertEquals("1", check[0], check[1] + check[2]);
        assertTrue(check[1].contains("CORRUPT  " + file + ": " + problem), check[1]);
    }

    // ---- today's writers produce the golden bytes ----

    @Test
    void todaysMailboxWriterWritesTheGoldenBytes() throws IOException {
        byte[] written = GoldenFiles.mailbox(root.resolve("written"));
        byte[] golden = GoldenFiles.read(GoldenFiles.MAILBOX);
        // FORMAT.md names these as varying: the creation time and the producer slot's owner pid
        maskLong(written, GoldenFiles.MAILBOX_CREATED);
        maskLong(golden, GoldenFiles.MAILBOX_CREATED);
        maskLong(written, GoldenFiles.MAILBOX_SLOT0_PID);
        maskLong(golden, GoldenFiles.MAILBOX_SLOT0_PID);
        assertSameBytes(golden, written);
    }

    @Test
    void todaysPageWriterWritesTheGoldenBytes() throws IOException {
        assertSameBytes(GoldenFiles.read(GoldenFiles.PAGE), GoldenFiles.page(root.resolve("written")));
    }

    @Test
    void todaysRingWriterWritesTheGoldenBytes() throws IOException {
        assertSameBytes(GoldenFiles.read(GoldenFiles.RING), GoldenFiles.ring(root.resolve("written")));
    }

    private static void maskLong(byte[] bytes, int offset) {
        java.util.Arrays.fill(bytes, offset, offset + Long.BYTES, (byte) 0);
    }

    /** Byte for byte, naming the first difference (a format change must regenerate the golden files). */
    private static void assertSameBytes(byte[] golden, byte[] written) {
        int length = Math.min(golden.length, written.length);
        for (int i = 0; i < length; i++) {
            if (golden[i] != written[i]) {
                throw new AssertionError("written file differs from the golden one: offset=" + i + " golden=0x"
                        + Integer.toHexString(golden[i] & 0xFF) + " written=0x" + Integer.toHexString(written[i] & 0xFF)
                        + " (a format change? regenerate with GoldenFiles and bump the version in docs/FORMAT.md)");
            }
        }
        assertEquals(golden.length, written.length, "file length");
        assertArrayEquals(golden, written);
    }
}
