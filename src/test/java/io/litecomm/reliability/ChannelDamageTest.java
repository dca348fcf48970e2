package io.litecomm.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.CommOptions;
import io.litecomm.CorruptFileException;
import io.litecomm.mapped.inspect.MailboxLayout;
import io.litecomm.testing.ChildJvm;
import io.litecomm.testing.InProcessCli;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, symptom 5: bytes written with a plain {@code FileChannel} (what {@code dd conv=notrunc}
 * does) over a live channel's unread records, header or counters, while a peer process uses it.
 * Before: the receiver waited for ever behind the damaged record (about 600 later messages
 * unreachable), {@code litecomm check} said "all valid", and damaged counters surfaced as
 * {@code IllegalStateException: Misaligned access}. Now: {@link CorruptFileException} naming the
 * file and the offset or field, within the recovery bound, for every later call; {@code check}
 * exits 1 naming the file, offset and problem; {@code salvage} copies every intact record after the
 * damage into a fresh channel.
 */
@Timeout(120)
class ChannelDamageTest {

    private static final CommOptions OPTIONS = CommOptions.builder().recoveryTimeout(DamagePeer.RECOVERY).build();
    private static final int MESSAGES = 1000;
    private static final int DAMAGED = 400;

    @TempDir
    Path dir;

    private static void dd(Path file, long offset, int count, long seed) throws IOException {
        byte[] bytes = new byte[count];
        new SplittableRandom(seed).nextBytes(bytes);
        write(file, offset, bytes);
    }

    private static void write(Path file, long offset, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes), offset);
        }
    }

    private static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
    }

    private static long readLong(Path file, long offset) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.read(b, offset);
        }
        return b.getLong(0);
    }

    /** Runs the command line tool in this JVM: exit status, then what it printed. */
    static String[] cli(Path domain, String... args) {
        return InProcessCli.run(domain, args);
    }

    @Test
    void bytesOverUnreadRecordsAreCorruptionWithinTheBoundThenCheckedAndSalvaged() throws IOException {
        Path domain = dir.resolve("d");
        Path file = domain.resolve("victim.chan");
        try (ChildJvm producer = ChildJvm.start(dir.resolve("logs"), DamagePeer.class, domain.toString(), "producer",
                Integer.toString(MESSAGES))) {
            producer.awaitOutput("SENT", Duration.ofSeconds(90));
            // from inside message 400's payload over the header of 401 and into its payload
            long first = MailboxLayout.recordOffset(DAMAGED * DamagePeer.FRAME);
            dd(file, first + 40, 200, 11);
            long stuck = (DAMAGED + 1L) * DamagePeer.FRAME;
            try (Comm comm = Comm.open(domain, OPTIONS)) {
                Channel<byte[]> victim = comm.channel("victim", byte[].class);
                for (int i = 0; i < DAMAGED; i++) {
                    assertArrayEquals(DamagePeer.payload(i), victim.receive(Duration.ofSeconds(10)).orElseThrow(),
                            "message " + i);
                }
                byte[] garbled = victim.receive(Duration.ofSeconds(10)).orElseThrow();
                assertEquals(DamagePeer.PAYLOAD, garbled.length, "its header is intact: format 1.0 has no payload checksum");
                assertFalse(Arrays.equals(DamagePeer.payload(DAMAGED), garbled));
                long start = System.nanoTime();
                CorruptFileException e = assertThrows(CorruptFileException.class, () -> victim.receive(Duration.ofSeconds(60)));
                long decidedMillis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(e.getMessage().contains(file.toString())
                        && e.getMessage().contains("damaged record: position=" + stuck)
                        && e.getMessage().contains("offset=" + MailboxLayout.recordOffset((int) stuck)), e.getMessage());
                assertEquals(file, e.file());
                // latched: every later call, in both directions
                assertThrows(CorruptFileException.class, victim::tryReceive);
                assertThrows(CorruptFileException.class, () -> victim.trySend(new byte[1]));
                assertThrows(CorruptFileException.class, victim::size);

                String[] check = cli(domain, "check");
                assertEquals("1", check[0], check[1] + check[2]);
                assertTrue(check[1].contains("CORRUPT  " + file + ": damaged record: position=" + stuck + " offset="
                        + MailboxLayout.recordOffset((int) stuck)), check[1]);

                // tail stops at the damage too, instead of waiting there for ever
                String[] tail = cli(domain, "tail", "victim", "--timeout", "60000");
                assertEquals("1", tail[0], tail[1] + tail[2]);
                assertTrue(tail[2].contains("corrupt file: " + file + ": damaged record: position=" + stuck), tail[2]);

                String[] salvage = cli(domain, "salvage", "victim", "--to", "rescued");
                assertEquals("0", salvage[0], salvage[1] + salvage[2]);
                Channel<byte[]> rescued = comm.channel("rescued", byte[].class);
                for (int i = DAMAGED + 2; i < MESSAGES; i++) {
                    assertArrayEquals(DamagePeer.payload(i), rescued.tryReceive().orElseThrow(), "rescued message " + i);
                }
                assertTrue(rescued.tryReceive().isEmpty(), "nothing else");
                assertTrue(salvage[1].contains("copied " + (MESSAGES - DAMAGED - 2) + " messages"), salvage[1]);
                assertTrue(salvage[1].contains("note: 1 process holds a producer slot (pids [" + producer.process().pid() + "])"),
                        salvage[1]);
                System.out.println("ISSUE 11 #5 bytes over unread records: corruption decided after " + decidedMillis
                        + " ms (recovery bound " + DamagePeer.RECOVERY.toMillis() + " ms); salvaged "
                        + (MESSAGES - DAMAGED - 2) + " of the " + (MESSAGES - DAMAGED - 1) + " messages behind it");
            }
            ReliabilitySupport.tell(producer, "stop");
            producer.awaitSuccess(Duration.ofSeconds(60));
        }
    }

    @Test
    void bytesOverTheMagicFailAReceiverBlockedInAnotherProcess() throws IOException {
        Path domain = dir.resolve("d");
        String output = damageUnderPeer(domain, "receiver", file -> dd(file, MailboxLayout.MAGIC_OFFSET, 8, 5));
        assertLatched(output, "header damaged while mapped: field=magic");
        assertRefusedOnReopen(domain, "bad magic");
    }

    @Test
    void misalignedHeadFailsAReceiverBlockedInAnotherProcess() throws IOException {
        Path domain = dir.resolve("d");
        // the value of the report: "IllegalStateException: Misaligned access at index: 531978"
        String output = damageUnderPeer(domain, "receiver", file -> write(file, MailboxLayout.HEAD_OFFSET, longBytes(531978)));
        assertLatched(output, "impossible counters: field=head head=531978");
        assertRefusedOnReopen(domain, "impossible counters");
    }

    @Test
    void headBeyondTheTailFailsASenderBlockedInAnotherProcess() throws IOException {
        Path domain = dir.resolve("d");
        String output = damageUnderPeer(domain, "sender", file -> {
            long tail = readLong(file, MailboxLayout.TAIL_OFFSET);
            write(file, MailboxLayout.HEAD_OFFSET, longBytes(tail + 4096));
        });
        assertLatched(output, "impossible counters: field=head>tail");
        assertRefusedOnReopen(domain, "impossible counters");
    }

    @Test
    void randomBytesOverBothCountersFailASenderBlockedInAnotherProcess() throws IOException {
        Path domain = dir.resolve("d");
        String output = damageUnderPeer(domain, "sender", file -> {
            dd(file, MailboxLayout.TAIL_OFFSET, 8, 3);
            dd(file, MailboxLayout.HEAD_OFFSET, 8, 4);
        });
        // random bytes may set the tail's closed bit: then the send says closed, which is also no hang
        List<String> outcomes = outcomes(output);
        assertTrue(outcomes.stream().anyMatch(o -> o.startsWith("CORRUPT ") && o.contains("impossible counters")
                || o.contains("ChannelClosedException")), output);
        assertTrue(outcomes.stream().noneMatch(o -> o.contains("IllegalStateException") || o.contains("IndexOutOfBounds")
                || o.startsWith("TIMEOUT")), output);
    }

    /** A damage done to the file. */
    private interface Damage {
        void apply(Path file) throws IOException;
    }

    private String damageUnderPeer(Path domain, String role, Damage damage) throws IOException {
        try (ChildJvm peer = ChildJvm.start(dir.resolve("logs"), DamagePeer.class, domain.toString(), role)) {
            peer.awaitOutput("READY", Duration.ofSeconds(90));
            damage.apply(domain.resolve("victim.chan"));
            peer.awaitSuccess(Duration.ofSeconds(90));
            String output = peer.output();
            assertTrue(output.contains("BYSTANDER ok") && output.contains("DONE"), output);
            return output;
        }
    }

    private static List<String> outcomes(String output) {
        return output.lines().filter(l -> l.startsWith("OUTCOME ")).map(l -> l.substring("OUTCOME ".length())).toList();
    }

    /** The peer's calls end in three clean reports naming the file and the problem; nothing else was thrown. */
    private static void assertLatched(String output, String problem) {
        List<String> outcomes = outcomes(output);
        assertTrue(outcomes.size() >= 3, output);
        for (String last : outcomes.subList(outcomes.size() - 3, outcomes.size())) {
            assertTrue(last.startsWith("CORRUPT ") && last.contains(problem) && last.contains("victim.chan"), output);
        }
        assertTrue(outcomes.stream().allMatch(o -> o.startsWith("CORRUPT ") || o.equals("EMPTY") || o.equals("TIMEOUT")), output);
        assertTrue(output.lines().anyMatch(l -> l.startsWith("LATCH CORRUPT ") && l.contains(problem)), output);
        assertFalse(output.contains("LATE "), output);
    }

    private void assertRefusedOnReopen(Path domain, String problem) {
        try (Comm again = Comm.open(domain, OPTIONS)) {
            CorruptFileException e = assertThrows(CorruptFileException.class, () -> again.channel("victim", byte[].class));
            assertTrue(e.getMessage().contains("victim.chan") && e.getMessage().contains(problem), e.getMessage());
        }
    }
}
