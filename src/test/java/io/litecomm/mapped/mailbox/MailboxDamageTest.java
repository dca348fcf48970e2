package io.litecomm.mapped.mailbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.CommOptions;
import io.litecomm.CorruptFileException;
import io.litecomm.mapped.inspect.MailboxFile;
import io.litecomm.mapped.inspect.MailboxHeader;
import io.litecomm.mapped.inspect.MailboxLayout;
import io.litecomm.mapped.inspect.MailboxRecords;
import io.litecomm.testing.InProcessCli;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Damage written into a channel's file while this process has it mapped (a peer with {@code dd}):
 * each case is {@link CorruptFileException} naming the file and the field or offset, latched for
 * every later call, never a misaligned access or a hang; and {@code salvage} over damaged padding
 * and damaged counters. The timeout runs each test in its own thread, so a hang fails.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MailboxDamageTest {

    private static final int CAPACITY = 8192;
    private static final ChannelOptions OPTIONS = ChannelOptions.builder().capacity(CAPACITY).maxMessageSize(1000).build();
    private static final CommOptions FAST_RECOVERY = CommOptions.builder().recoveryTimeout(Duration.ofMillis(50)).build();

    @TempDir
    Path dir;

    private Path domain;
    private Path file;

    @BeforeEach
    void paths() {
        domain = dir.resolve("d");
        file = domain.resolve("c" + MailboxTransport.SUFFIX);
    }

    private void write(long offset, ByteBuffer bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(bytes, offset);
        }
    }

    private void putLong(long offset, long value) throws IOException {
        write(offset, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value));
    }

    private void putInt(long offset, int value) throws IOException {
        write(offset, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, value));
    }

    private static void assertCorrupt(Path file, String problem, org.junit.jupiter.api.function.Executable call) {
        CorruptFileException e = assertThrows(CorruptFileException.class, call);
        assertTrue(e.getMessage().contains(problem) && e.getMessage().contains(file.toString()), e.getMessage());
    }

    /** Every operation on the channel now fails with the same problem. */
    private void assertLatched(Channel<byte[]> channel, String problem) {
        assertCorrupt(file, problem, channel::tryReceive);
        assertCorrupt(file, problem, () -> channel.trySend(new byte[1]));
        assertCorrupt(file, problem, () -> channel.send(new byte[1], Duration.ofMillis(10)));
        assertCorrupt(file, problem, channel::size);
        assertCorrupt(file, problem, channel::isClosed);
        assertCorrupt(file, problem, channel::close);
    }

    @ParameterizedTest(name = "{0} overwritten while mapped")
    @CsvSource({"version, 8, 131072", "headerLength, 12, 4096", "capacity, 16, 16384", "maxMessage, 20, 7"})
    void headerFieldsDamagedWhileMappedAreNamed(String field, int offset, int value) throws IOException {
        try (Comm comm = Comm.open(domain)) {
            Channel<byte[]> channel = comm.channel("c", byte[].class, OPTIONS);
            channel.send(new byte[] {1});
            assertEquals(1, channel.tryReceive().orElseThrow()[0]);
            putInt(offset, value);
            assertCorrupt(file, "header damaged while mapped: field=" + field, () -> channel.receive(Duration.ofSeconds(30)));
            assertLatched(channel, "field=" + field);
        }
    }

    @Test
    void misalignedTailFailsTheSenderInsteadOfAMisalignedAccess() throws IOException {
        try (Comm comm = Comm.open(domain)) {
            Channel<byte[]> channel = comm.channel("c", byte[].class, OPTIONS);
            channel.send(new byte[] {1});
            putLong(MailboxLayout.TAIL_OFFSET, 531978);
            assertCorrupt(file, "impossible counters: field=tail head=0 tail=531978", () -> channel.trySend(new byte[] {2}));
            assertLatched(channel, "field=tail");
        }
    }

    @Test
    void tailMoreThanACapacityAheadFailsBothSides() throws IOException {
        try (Comm comm = Comm.open(domain)) {
            Channel<byte[]> sender = comm.channel("c", byte[].class, OPTIONS);
            putLong(MailboxLayout.TAIL_OFFSET, 4L * CAPACITY);
            assertCorrupt(file, "impossible counters: field=tail-head>capacity", () -> sender.send(new byte[] {2}));
        }
        try (Comm comm = Comm.open(domain)) {
            assertCorrupt(file, "impossible counters: field=tail-head>capacity", () -> comm.channel("c", byte[].class));
        }
    }

    @Test
    void overwrittenRecordHeaderIsDecidedAtTheRecoveryBound() throws IOException {
        try (Comm comm = Comm.open(domain, FAST_RECOVERY)) {
            Channel<byte[]> channel = comm.channel("c", byte[].class, OPTIONS);
            for (int i = 0; i < 10; i++) {
                channel.send(new byte[] {(byte) i}); // frames of 32 bytes
            }
            assertEquals(0, channel.tryReceive().orElseThrow()[0]);
            byte[] noise = new byte[16];
            new SplittableRandom(7).nextBytes(noise);
            write(MailboxLayout.recordOffset(32), ByteBuffer.wrap(noise));
            // the sender of the nine records is this live process, but nothing claims position 32
            assertCorrupt(file, "damaged record: position=32 offset=" + MailboxLayout.recordOffset(32),
                    () -> channel.receive(Duration.ofSeconds(30)));
            assertLatched(channel, "damaged record: position=32");
        }
        String[] check = cli("check");
        assertEquals("1", check[0], check[1]);
        assertTrue(check[1].contains(file + ": damaged record: position=32"), check[1]);
    }

    @Test
    void salvageResumesAfterADamagedPaddingRecordAtTheRingsEnd() throws IOException {
        List<byte[]> sent = new ArrayList<>();
        try (Comm comm = Comm.open(domain)) {
            Channel<byte[]> channel = comm.channel("c", byte[].class, OPTIONS);
            for (int i = 0; i < 7; i++) {
                channel.send(new byte[900]); // frames of 928 bytes
                channel.tryReceive().orElseThrow();
            }
            // waiting: a message at 6496, padding at 7424 (to the ring's end at 8192), messages at 8192 and 9120
            for (int i = 0; i < 3; i++) {
                byte[] message = new byte[900];
                new SplittableRandom(i).nextBytes(message);
                channel.send(message);
                sent.add(message);
            }
        }
        write(MailboxLayout.recordOffset(7424), ByteBuffer.allocate(16));
        String[] salvage = cli("salvage", "c");
        assertEquals("0", salvage[0], salvage[1] + salvage[2]);
        assertTrue(salvage[1].contains("copied 3 messages")
                && salvage[1].contains("skipped 768 damaged bytes at positions 7424..8192"), salvage[1]);
        try (Comm comm = Comm.open(domain)) {
            Channel<byte[]> rescued = comm.channel("c.salvaged", byte[].class);
            for (byte[] message : sent) {
                assertArrayEquals(message, rescued.tryReceive().orElseThrow());
            }
            assertTrue(rescued.tryReceive().isEmpty());
        }
        String[] again = cli("salvage", "c");
        assertEquals("1", again[0], "refuses to write into an existing channel");
        assertTrue(again[2].contains("target channel exists"), again[2]);
    }

    @Test
    void salvageWithDamagedCountersScansTheRing() throws IOException {
        try (Comm comm = Comm.open(domain)) {
            Channel<byte[]> channel = comm.channel("c", byte[].class, OPTIONS);
            for (int i = 0; i < 5; i++) {
                channel.send(new byte[] {(byte) i});
            }
        }
        putLong(MailboxLayout.HEAD_OFFSET, 531978);
        putLong(MailboxLayout.TAIL_OFFSET, -16);
        String[] check = cli("check");
        assertEquals("1", check[0]);
        assertTrue(check[1].contains("impossible counters: field=head head=531978"), check[1]);
        String[] salvage = cli("salvage", "c", "--to", "r");
        assertEquals("0", salvage[0], salvage[1] + salvage[2]);
        assertTrue(salvage[1].contains("copied 5 messages") && salvage[1].contains("the whole ring was scanned")
                && salvage[1].contains("may be copied again"), salvage[1]);
        try (Comm comm = Comm.open(domain)) {
            Channel<byte[]> rescued = comm.channel("r", byte[].class);
            for (int i = 0; i < 5; i++) {
                assertEquals(i, rescued.tryReceive().orElseThrow()[0]);
            }
        }
    }

    @Test
    void salvageUsageAndJson() throws IOException {
        try (Comm comm = Comm.open(domain)) {
            comm.channel("c", byte[].class, OPTIONS).send(new byte[] {5});
        }
        assertEquals("2", cli("salvage")[0], "no channel");
        assertEquals("2", cli("salvage", "c", "--to", "c")[0], "onto itself");
        assertEquals("1", cli("salvage", "missing")[0]);
        putLong(MailboxLayout.MAGIC_OFFSET, 0);
        String[] refused = cli("salvage", "c");
        assertEquals("1", refused[0]);
        assertTrue(refused[2].contains("cannot salvage: the header is damaged: bad magic"), refused[2]);
        putLong(MailboxLayout.MAGIC_OFFSET, MailboxLayout.MAGIC);
        String[] json = cli("--json", "salvage", "c", "--to", "j");
        assertEquals("0", json[0], json[2]);
        assertTrue(json[1].startsWith("{\"channel\":\"c\",\"target\":\"j\",\"copied\":1,\"bytes\":1,"), json[1]);
    }

    @Test
    void recordsProveThemselvesOnlyAtTheirOwnPosition() throws IOException {
        try (Comm comm = Comm.open(domain)) {
            comm.channel("c", byte[].class, OPTIONS).send(new byte[] {42});
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
            MailboxHeader header = MailboxFile.validate(mapped, channel.size(), file);
            MailboxRecords.Found found = MailboxRecords.at(mapped, 0, header);
            assertNotNull(found);
            assertEquals(32, found.next());
            assertArrayEquals(new byte[] {42}, MailboxRecords.payload(mapped, found, CAPACITY));
            assertNull(MailboxRecords.at(mapped, CAPACITY, header), "the same bytes a lap later are stale");
            assertNull(MailboxRecords.at(mapped, 16, header));
            assertNull(MailboxRecords.next(mapped, 0, CAPACITY, header));
            assertEquals(32, MailboxRecords.newestEnd(mapped, header));
        }
    }

    private String[] cli(String... args) {
        return InProcessCli.run(domain, args);
    }
}
