package io.litecomm.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.CommException;
import io.litecomm.CorruptFileException;
import io.litecomm.MessageTooLargeException;
import io.litecomm.SharedMemory;
import io.litecomm.mapped.inspect.MailboxLayout;
import io.litecomm.mapped.inspect.StoragePageLayout;
import io.litecomm.testing.ChildJvm.Await;
import io.litecomm.testing.RawJsonCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY #12, size limits: an oversized send fails with {@link MessageTooLargeException} and
 * writes nothing; an on-disk record length of 2^31-1 at the head (channel and store) is a
 * {@link CorruptFileException} without allocating (in a child JVM with {@code -Xmx64m}, and measured
 * with the thread's allocation counter here); JSON nested 2,000 (and 100,000) deep received on an
 * untyped or typed channel is a decode error ({@link CommException}), not a {@code StackOverflowError},
 * and the channel keeps working.
 */
@Timeout(120)
class SizeLimitsTest {

    /** Allocation allowed while reporting a corrupt length: class loading, messages; far below 2 GiB or 64 MiB. */
    private static final long ALLOCATION_LIMIT = 4L << 20;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void oversizedSendFailsAndWritesNothing() throws IOException {
        try (Comm comm = Comm.open(dir.resolve("d"))) {
            ChannelOptions options = ChannelOptions.builder().capacity(4096).maxMessageSize(1000).build();
            Channel<byte[]> bytes = comm.channel("bytes", byte[].class, options);
            Channel<String> text = comm.channel("text", String.class, options);
            Path bytesFile = comm.directory().resolve("bytes.chan");
            Path textFile = comm.directory().resolve("text.chan");
            byte[] bytesBefore = Files.readAllBytes(bytesFile);
            byte[] textBefore = Files.readAllBytes(textFile);
            MessageTooLargeException e = assertThrows(MessageTooLargeException.class, () -> bytes.send(new byte[1001]));
            assertEquals(1001, e.length());
            assertEquals(1000, e.maximum());
            assertTrue(e.getMessage().contains("bytes"), e.getMessage());
            assertThrows(MessageTooLargeException.class, () -> bytes.trySend(new byte[1 << 20]));
            assertThrows(MessageTooLargeException.class, () -> bytes.send(new byte[4096], Duration.ofSeconds(1)));
            assertThrows(MessageTooLargeException.class, () -> text.send("x".repeat(999))); // 1,001 bytes of JSON
            assertArrayEquals(bytesBefore, Files.readAllBytes(bytesFile), "an oversized send wrote to the file");
            assertArrayEquals(textBefore, Files.readAllBytes(textFile), "an oversized send wrote to the file");
            assertEquals(0, bytes.size());
            assertEquals(0, text.size());
            bytes.send(new byte[1000]);
            text.send("x".repeat(998));
            assertEquals(1000, bytes.receive().length);
            assertEquals("x".repeat(998), text.receive());
            SharedMemory memory = comm.sharedMemory();
            assertThrows(MessageTooLargeException.class, () -> memory.publish("t", "x".repeat(1 << 20)));
        }
    }

    /** Sends one message and two keys, then sets the length of the head record and the last store record to 2^31-1. */
    private static void prepareHugeLengths(Path domain, boolean matchingCheckWord) throws IOException {
        try (Comm comm = Comm.open(domain)) {
            comm.channel("huge", byte[].class).send(new byte[100]);
            comm.sharedMemory().set("a", 1);
            comm.sharedMemory().set("k", "value");
        }
        try (FileChannel file = FileChannel.open(domain.resolve("huge.chan"), StandardOpenOption.WRITE)) {
            ByteBuffer record = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            record.putInt(Integer.MAX_VALUE);
            int check = matchingCheckWord ? MailboxLayout.checkWord(MailboxLayout.TYPE_MESSAGE, 0, Integer.MAX_VALUE)
                    : MailboxLayout.checkWord(MailboxLayout.TYPE_MESSAGE, 0, 100);
            record.putInt(check).flip();
            file.write(record, MailboxLayout.HEADER_LENGTH + MailboxLayout.RECORD_LENGTH_OFFSET);
        }
        try (FileChannel file = FileChannel.open(domain.resolve("storage.page"), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            long position = StoragePageLayout.HEADER_LENGTH;
            long last = position;
            for (int record = 0; record < 3; record++) {
                b.clear();
                file.read(b, position + StoragePageLayout.RECORD_LENGTH_OFFSET);
                last = position;
                position += StoragePageLayout.frameLength(b.getInt(0));
            }
            b.clear();
            b.putInt(0, Integer.MAX_VALUE);
            file.write(b, last + StoragePageLayout.RECORD_LENGTH_OFFSET);
        }
    }

    @Test
    void aLengthOfTwoToThe31IsCorruptWithoutAllocating() throws IOException {
        for (boolean matching : List.of(false, true)) {
            String childFigures;
            Path domain = dir.resolve("d-" + matching);
            prepareHugeLengths(domain, matching);
            try (JvmWithArgs child = JvmWithArgs.start(dir.resolve("logs"), List.of("-Xmx64m"), HugeLengthReader.class,
                    domain.toString(), "huge")) {
                child.awaitSuccess(WAIT);
                String out = child.output();
                assertTrue(out.contains("CORRUPT allocated=") && out.contains("huge.chan")
                        && out.contains("impossible record"), out);
                assertTrue(out.contains("STORE-CORRUPT allocated=") && out.contains("storage.page"), out);
                assertTrue(allocatedFigure(out, "CORRUPT allocated=") < ALLOCATION_LIMIT, out);
                assertTrue(allocatedFigure(out, "STORE-CORRUPT allocated=") < ALLOCATION_LIMIT, out);
                childFigures = "child -Xmx64m allocated channel=" + allocatedFigure(out, "CORRUPT allocated=") + " store="
                        + allocatedFigure(out, "STORE-CORRUPT allocated=");
            }
            try (Comm comm = Comm.open(domain)) {
                Channel<byte[]> channel = comm.channel("huge", byte[].class);
                long before = HugeLengthReader.allocated();
                CorruptFileException e = assertThrows(CorruptFileException.class, () -> channel.receive(WAIT));
                long allocated = HugeLengthReader.allocated() - before;
                long channelAllocated = allocated;
                assertTrue(allocated < ALLOCATION_LIMIT, "allocated " + allocated + " bytes for a corrupt length");
                assertEquals(domain.resolve("huge.chan"), e.file());
                before = HugeLengthReader.allocated();
                CorruptFileException store = assertThrows(CorruptFileException.class, () -> comm.sharedMemory().get("k"));
                allocated = HugeLengthReader.allocated() - before;
                assertTrue(allocated < ALLOCATION_LIMIT, "allocated " + allocated + " bytes for a corrupt store length");
                assertTrue(store.getMessage().contains("storage.page"), store.getMessage());
                System.out.println("RELIABILITY #12 matchingCheckWord=" + matching + " " + childFigures
                        + "; here allocated channel=" + channelAllocated + " store=" + allocated + "; channel: "
                        + e.getMessage() + " | store: " + store.getMessage());
            }
        }
    }

    private static long allocatedFigure(String out, String prefix) {
        return Long.parseLong(ReliabilitySupport.lineAfterText(out, prefix).split(" ")[0]);
    }

    private static byte[] nested(int depth, String open, String close) {
        return (open.repeat(depth) + close.repeat(depth)).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void deeplyNestedJsonIsADecodeErrorNotAStackOverflow() {
        try (Comm comm = Comm.open(dir.resolve("d"))) {
            Channel<Object> untyped = comm.channel("deep");
            Channel<List<Object>> typed = comm.channel("deep-typed", new TypeReference<List<Object>>() { });
            Channel<byte[]> rawUntyped = comm.channel("deep", RawJsonCodec.INSTANCE);
            Channel<byte[]> rawTyped = comm.channel("deep-typed", RawJsonCodec.INSTANCE);
            List<byte[]> bombs = List.of(nested(2_000, "[", "]"), nested(2_000, "{\"a\":", "}"), nested(100_000, "[", "]"));
            for (byte[] bomb : bombs) {
                rawUntyped.send(bomb);
                rawUntyped.send("[\"next\"]".getBytes(StandardCharsets.UTF_8));
                CommException e = assertThrows(CommException.class, untyped::receive, "untyped, depth " + bomb.length / 2);
                assertTrue(e.getMessage().contains("cannot decode"), e.getMessage());
                assertEquals(List.of("next"), untyped.receive(), "the channel goes on after the bad message");
                rawTyped.send(bomb);
                rawTyped.send("[\"next\"]".getBytes(StandardCharsets.UTF_8));
                assertThrows(CommException.class, typed::receive, "typed, depth " + bomb.length / 2);
                assertEquals(List.of("next"), typed.receive());
            }
            assertThrows(CommException.class, () -> untyped.send(deepList(2_000)), "the encoder refuses it too");
            assertEquals(0, untyped.size(), "a refused send wrote nothing");
        }
    }

    @Test
    void deeplyNestedJsonInPassiveModeCountsAnErrorAndTheWatcherGoesOn() {
        try (Comm comm = Comm.open(dir.resolve("d"))) {
            Channel<Object> passive = comm.channel("deep-passive");
            Channel<byte[]> raw = comm.channel("deep-passive", RawJsonCodec.INSTANCE);
            List<Object> got = new CopyOnWriteArrayList<>();
            passive.onReceive(got::add);
            raw.send(nested(100_000, "[", "]"));
            raw.send("{\"after\":true}".getBytes(StandardCharsets.UTF_8));
            Await.until(() -> !got.isEmpty(), WAIT, () -> "the watcher stopped after a nested bomb");
            assertEquals(List.of(Map.of("after", true)), got);
            SharedMemory memory = comm.sharedMemory();
            long version = memory.version();
            assertThrows(RuntimeException.class, () -> memory.set("deep", deepList(2_000)));
            assertEquals(version, memory.version(), "a refused value changed the store");
            assertFalse(memory.getAll().containsKey("deep"));
        }
    }

    private static List<Object> deepList(int depth) {
        List<Object> list = List.of();
        for (int i = 0; i < depth; i++) {
            list = List.of(list);
        }
        return list;
    }
}
