package io.litecomm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.Comm;
import io.litecomm.CommException;
import io.litecomm.mapped.inspect.PubSubLayout;
import io.litecomm.mapped.inspect.StoragePageLayout;
import io.litecomm.testing.ChildJvm;
import io.litecomm.testing.InProcessCli;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool and the transport read every file with the same rules: each test is a file on which
 * a copy of a rule in the tool once disagreed with the transport.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliDriftTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    private Path domain() throws IOException {
        return Files.createDirectory(root.resolve("domain"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
    }

    /**
     * A ring whose tail is 8-aligned but not 32-aligned: the ring refuses it ("impossible tail"),
     * and so must {@code check} (it used to test {@code & 7}, and to look for the oldest record in
     * steps of 8, finding a chain of records at a position no publisher can write).
     */
    @Test
    void aPubSubTailAlignedTo8ButNot32IsDamage() throws Exception {
        Path domain = domain();
        int capacity = 4096;
        ByteBuffer file = ByteBuffer.allocate(PubSubLayout.HEADER_LENGTH + capacity).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(PubSubLayout.MAGIC_OFFSET, PubSubLayout.MAGIC);
        file.putInt(PubSubLayout.VERSION_WORD_OFFSET, PubSubLayout.FORMAT_MAJOR << 16 | PubSubLayout.FORMAT_MINOR);
        file.putInt(PubSubLayout.HEADER_LENGTH_OFFSET, PubSubLayout.HEADER_LENGTH);
        file.putInt(PubSubLayout.CAPACITY_OFFSET, capacity);
        file.putInt(PubSubLayout.MAX_PAYLOAD_OFFSET, PubSubLayout.maxPayloadFor(capacity));
        long first = 2L * capacity + 40; // ring offset 40: 8-aligned, not 32-aligned
        frame(file, capacity, first, 0);
        frame(file, capacity, first + 32, 1);
        long tail = first + 64;
        file.putLong(PubSubLayout.CLAIM_OFFSET, tail);
        file.putLong(PubSubLayout.TAIL_OFFSET, tail);
        file.putLong(PubSubLayout.NEXT_SEQUENCE_OFFSET, 2);
        Path ring = domain.resolve("pubsub.ring");
        write(ring, file.array());

        String[] check = InProcessCli.run(domain, "check");
        assertEquals("1", check[0], check[1] + check[2]);
        assertTrue(check[1].contains("CORRUPT  " + ring + ": impossible counters: claim=" + tail + " tail=" + tail),
                check[1]);

        try (Comm comm = Comm.open(domain)) {
            CommException refused = assertThrows(CommException.class, () -> comm.sharedMemory().publish("t", 1));
            assertTrue(refused.getMessage().contains("impossible tail: tail=" + tail), refused.getMessage());
        }
    }

    /** A record of topic "t" and payload 1 at {@code position}. */
    private static void frame(ByteBuffer file, int capacity, long position, long sequence) {
        int base = PubSubLayout.HEADER_LENGTH + (int) (position & (capacity - 1));
        file.putLong(base + PubSubLayout.RECORD_TAG_OFFSET, position + 1);
        file.putInt(base + PubSubLayout.RECORD_LENGTH_OFFSET, 1);
        file.putInt(base + PubSubLayout.RECORD_TOPIC_LENGTH_OFFSET, 1);
        file.putLong(base + PubSubLayout.RECORD_SEQUENCE_OFFSET, sequence);
        file.put(base + PubSubLayout.RECORD_HEADER_LENGTH, "t1".getBytes(StandardCharsets.UTF_8));
    }

    /**
     * An active slot whose offset plus length overflows: the page refuses it ("impossible slot"),
     * and so must {@code check} (it used to add the two without the page's overflow guard, so the
     * sum wrapped below the file length and the slot passed).
     */
    @Test
    void aStorageSlotWhoseEndOverflowsIsDamage() throws Exception {
        Path domain = domain();
        try (Comm comm = Comm.open(domain)) {
            comm.sharedMemory().set("key", 1);
        }
        Path page = domain.resolve("storage.page");
        long length = Long.MAX_VALUE - 100; // offset 4096 + length wraps to a negative sum
        try (FileChannel channel = FileChannel.open(page, StandardOpenOption.WRITE)) {
            ByteBuffer field = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
            channel.write(field, StoragePageLayout.slotLengthField(0));
        }

        String[] check = InProcessCli.run(domain, "check");
        assertEquals("1", check[0], check[1] + check[2]);
        assertTrue(check[1].contains("CORRUPT  " + page + ": impossible slot: slot=0 offset=4096 length=" + length),
                check[1]);

        try (Comm comm = Comm.open(domain)) {
            CommException refused = assertThrows(CommException.class, () -> comm.sharedMemory().getAll());
            assertTrue(refused.getMessage().contains("impossible slot: slot=0"), refused.getMessage());
        }
    }

    /**
     * The default domain is the library's: {@code $LITECOMM_URL} (a {@code file:} URI) before
     * {@code $LITECOMM_DIR}, then {@code Comm.defaultDirectory()} (the tool used to copy the rule,
     * and knew nothing of the URL).
     */
    @Test
    void theDefaultDomainIsTheLibrarys() throws Exception {
        Path logs = root.resolve("logs");
        Path byDir = Files.createDirectory(root.resolve("by-dir"));
        Path byUrl = Files.createDirectory(root.resolve("by-url"));

        Map<String, String> dirOnly = Map.of("LITECOMM_DIR", byDir.toString());
        assertEquals(byDir.toString(), listedDomain(logs, dirOnly));
        assertEquals(byDir.toString(), commDefault(logs, dirOnly));

        Map<String, String> both = Map.of("LITECOMM_URL", byUrl.toUri().toString(), "LITECOMM_DIR", byDir.toString());
        assertEquals(byUrl.toString(), listedDomain(logs, both));

        CliProcess.Result memory = CliProcess.run(logs, Map.of("LITECOMM_URL", "mem:tests", "LITECOMM_DIR", byDir.toString()),
                "ls");
        assertEquals(1, memory.exit(), memory.describe());
        assertTrue(memory.err().contains("not a shared domain: LITECOMM_URL=mem:tests"), memory.describe());
    }

    private static String listedDomain(Path logs, Map<String, String> env) throws IOException {
        CliProcess.Result ls = CliProcess.run(logs, env, "ls", "--json");
        assertEquals(0, ls.exit(), ls.describe());
        return JSON.readTree(ls.out()).get("domain").asText();
    }

    private static String commDefault(Path logs, Map<String, String> env) {
        try (ChildJvm probe = ChildJvm.start(logs, env, DefaultDirectoryProbe.class)) {
            probe.awaitSuccess(Duration.ofSeconds(30));
            return probe.output().lines().filter(line -> line.startsWith("DEFAULT ")).findFirst().orElseThrow()
                    .substring("DEFAULT ".length());
        }
    }

    private static void write(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
}
