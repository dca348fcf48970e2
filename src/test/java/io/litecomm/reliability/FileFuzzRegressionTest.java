package io.litecomm.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.CorruptFileException;
import io.litecomm.SharedMemory;
import io.litecomm.mapped.file.DomainDirectory;
import io.litecomm.mapped.inspect.MailboxLayout;
import io.litecomm.mapped.inspect.PubSubLayout;
import io.litecomm.mapped.inspect.StoragePageLayout;
import io.litecomm.mapped.store.PubSubRing;
import io.litecomm.mapped.store.StoragePage;
import io.litecomm.spi.CorruptStorageException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * The defects {@link FileFuzzTest} found, each pinned by the concrete damage that showed it. Before
 * the fixes these gave a hang, an {@code IllegalStateException} (misaligned access), an
 * {@code IndexOutOfBoundsException}, an {@code IllegalArgumentException} from NIO, an
 * {@code OutOfMemoryError} (a 2 GiB allocation), data the store never held, or a record erased by a
 * send; now each is a {@link CorruptFileException} (or the SPI's {@link CorruptStorageException} that
 * becomes one) naming the file, or is harmless. The timeout runs each test in its own thread, so a
 * hang fails.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FileFuzzRegressionTest {

    private static final ChannelOptions SMALL = ChannelOptions.builder().capacity(4096).maxMessageSize(1000).build();

    @TempDir
    Path dir;

    /** Was: recovery padded from the head to a claim end of Long.MAX_VALUE, looping for ever. */
    @Test
    void deadClaimEndingBeyondTheTailIsCorruptionNotEndlessPadding() throws IOException {
        Path domain = dir.resolve("d");
        Path file = stuckChannel(domain, Long.MAX_VALUE);
        try (Comm comm = Comm.open(domain, FileFuzzTest.OPTIONS)) {
            Channel<byte[]> channel = comm.channel("c", byte[].class);
            assertCorrupt(file, "impossible producer claim", () -> channel.receive(Duration.ofSeconds(10)));
        }
    }

    /** The control: a dead claim that ends at the tail is still recovered. */
    @Test
    void deadClaimEndingAtTheTailIsStillRecovered() throws IOException {
        Path domain = dir.resolve("d");
        stuckChannel(domain, 16);
        try (Comm comm = Comm.open(domain, FileFuzzTest.OPTIONS)) {
            Channel<byte[]> channel = comm.channel("c", byte[].class);
            assertEquals(Optional.empty(), channel.receive(Duration.ofMillis(100)));
            assertTrue(channel.trySend(new byte[] {7}));
            assertArrayEquals(new byte[] {7}, channel.receive(Duration.ofSeconds(10)).orElseThrow());
        }
    }

    /** Was: size() stepped 16 + 4 bytes past a padding record of length 4 and read a misaligned tag (IllegalStateException). */
    @Test
    void sizeStopsAtAnImpossibleRecord() throws IOException {
        Path domain = dir.resolve("d");
        try (Comm comm = Comm.open(domain, FileFuzzTest.OPTIONS)) {
            comm.channel("c", byte[].class, SMALL).send(new byte[5]);
        }
        Path file = domain.resolve("c.chan");
        int base = MailboxLayout.recordOffset(0);
        writeInt(file, base + MailboxLayout.RECORD_LENGTH_OFFSET, 4);
        writeInt(file, base + MailboxLayout.RECORD_TYPE_OFFSET, MailboxLayout.checkWord(MailboxLayout.TYPE_PADDING, 0, 4));
        try (Comm comm = Comm.open(domain, FileFuzzTest.OPTIONS)) {
            Channel<byte[]> channel = comm.channel("c", byte[].class);
            assertEquals(0, channel.size());
            assertCorrupt(file, "impossible record", channel::tryReceive);
        }
    }

    /** Was: a stray high bit in the sleeper mask made a sender "ring" and clear a record's tag in the ring. */
    @Test
    void strayBitInTheSleeperMaskDoesNotEraseARecord() throws IOException {
        Path domain = dir.resolve("d");
        try (Comm comm = Comm.open(domain, FileFuzzTest.OPTIONS)) {
            Channel<byte[]> channel = comm.channel("c", byte[].class, SMALL);
            for (int i = 0; i <= 16; i++) {
                channel.send(new byte[0]); // the 17th record starts at ring offset 256, where "bell slot 20" would be
            }
        }
        Path file = domain.resolve("c.chan");
        assertEquals(MailboxLayout.recordOffset(256), MailboxLayout.bellOffset(20));
        writeInt(file, MailboxLayout.SLEEPER_MASK_OFFSET, 1 << 20);
        try (Comm comm = Comm.open(domain, FileFuzzTest.OPTIONS)) {
            Channel<byte[]> channel = comm.channel("c", byte[].class);
            assertTrue(channel.trySend(new byte[] {1}));
            List<byte[]> received = new ArrayList<>();
            for (Optional<byte[]> m = channel.tryReceive(); m.isPresent(); m = channel.tryReceive()) {
                received.add(m.get());
            }
            assertEquals(18, received.size(), "every record is still there");
            assertArrayEquals(new byte[] {1}, received.get(17));
        }
    }

    /** Was: a topic length of 2^31-1 overflowed the frame, passed the checks and allocated 2 GiB. */
    @Test
    void pubSubTopicLengthOfTwoGigabytesIsCorruptionWithoutAllocating() throws IOException {
        Path domain = dir.resolve("d");
        Path file = domain.resolve(PubSubRing.FILE_NAME);
        try (Comm comm = Comm.open(domain, FileFuzzTest.OPTIONS)) {
            comm.sharedMemory(); // the domain exists
        }
        PubSubRing ring = PubSubRing.open(DomainDirectory.open(domain), 4096);
        try {
            PubSubRing.Reader reader = ring.newReader();
            ring.publish("t", "1".getBytes(StandardCharsets.UTF_8));
            writeInt(file, PubSubLayout.HEADER_LENGTH + (int) reader.position() + PubSubLayout.RECORD_TOPIC_LENGTH_OFFSET,
                    Integer.MAX_VALUE);
            long before = allocatedBytes();
            CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> reader.poll(new PubSubRing.Sink() {
                @Override
                public void message(PubSubRing.Message message) {
                    throw new AssertionError("delivered " + message);
                }

                @Override
                public void missed(long count) {
                    throw new AssertionError("missed " + count);
                }
            }, 10));
            assertTrue(allocatedBytes() - before < 1 << 20, "no big allocation");
            assertEquals(file.toString(), e.location());
            assertTrue(e.problem().startsWith("impossible record"), e.getMessage());
        } finally {
            ring.close();
        }
    }

    /** Was: a tail that is not a record position (17) gave a misaligned access on publish. */
    @Test
    void pubSubMisalignedTailIsCorruption() throws IOException {
        Path domain = dir.resolve("d");
        try (Comm comm = Comm.open(domain, FileFuzzTest.OPTIONS)) {
            comm.sharedMemory().publish("t", 1);
        }
        Path file = domain.resolve(PubSubRing.FILE_NAME);
        writeLong(file, PubSubLayout.TAIL_OFFSET, 17);
        try (Comm comm = Comm.open(domain, FileFuzzTest.OPTIONS)) {
            SharedMemory memory = comm.sharedMemory();
            assertCorrupt(file, "impossible tail", () -> memory.publish("t", 2));
        }
    }

    /** Was: a ring file longer than 2 GiB reached FileChannel.map, whose IllegalArgumentException leaked. */
    @Test
    void pubSubFileOverTwoGigabytesIsCorruption() throws IOException {
        Path domain = dir.resolve("d");
        try (Comm comm = Comm.open(domain, FileFuzzTest.OPTIONS)) {
            comm.sharedMemory().publish("t", 1);
        }
        Path file = domain.resolve(PubSubRing.FILE_NAME);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength((1L << 31) + 4096); // sparse: nothing is written
        }
        try (Comm comm = Comm.open(domain, FileFuzzTest.OPTIONS)) {
            SharedMemory memory = comm.sharedMemory();
            assertCorrupt(file, "wrong length", () -> memory.publish("t", 2));
        }
    }

    /** Was: slot offset + length wrapped negative, passed the check, and the walk indexed outside the mapping. */
    @Test
    void storageSlotWhoseBoundsOverflowIsCorruption() throws IOException {
        Path domain = dir.resolve("d");
        Path file = storeWithSetAndDelete(domain);
        writeLong(file, StoragePageLayout.slotOffsetField(0), Long.MAX_VALUE - 100);
        writeLong(file, StoragePageLayout.slotLengthField(0), 200);
        writeLong(file, StoragePageLayout.slotEndField(0), StoragePageLayout.RECORD_HEADER_LENGTH);
        try (Comm comm = Comm.open(domain, FileFuzzTest.OPTIONS)) {
            SharedMemory memory = comm.sharedMemory();
            assertCorrupt(file, "impossible slot", memory::getAll);
        }
    }

    /** Was: a record's version is outside its CRC; a damaged one became the store's version. */
    @Test
    void storageRecordVersionOutOfSequenceIsCorruption() throws IOException {
        Path domain = dir.resolve("d");
        Path file = storeWithSetAndDelete(domain);
        writeLong(file, recordOffset(file, 1) + StoragePageLayout.RECORD_VERSION_OFFSET, 379);
        try (Comm comm = Comm.open(domain, FileFuzzTest.OPTIONS)) {
            SharedMemory memory = comm.sharedMemory();
            assertCorrupt(file, "version out of sequence", memory::version);
        }
    }

    /** Was: a record's type is outside its CRC; a DELETE turned SET brought the deleted key back as null. */
    @Test
    void storageDeleteTurnedSetIsCorruption() throws IOException {
        Path domain = dir.resolve("d");
        Path file = storeWithSetAndDelete(domain);
        writeInt(file, recordOffset(file, 2) + StoragePageLayout.RECORD_TYPE_OFFSET, StoragePageLayout.TYPE_SET);
        try (Comm comm = Comm.open(domain, FileFuzzTest.OPTIONS)) {
            SharedMemory memory = comm.sharedMemory();
            assertCorrupt(file, "undecodable record", memory::getAll);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** A 4 KiB channel whose head (0) is stuck on 16 claimed, never committed bytes, claimed by dead slot 0 up to {@code end}. */
    private static Path stuckChannel(Path domain, long end) throws IOException {
        try (Comm comm = Comm.open(domain, FileFuzzTest.OPTIONS)) {
            comm.channel("c", byte[].class, SMALL);
        }
        Path file = domain.resolve("c.chan");
        writeLong(file, MailboxLayout.TAIL_OFFSET, 16);
        writeLong(file, MailboxLayout.claimStartOffset(0, 0), 0);
        writeLong(file, MailboxLayout.claimEndOffset(0, 0), end);
        return file;
    }

    /** A page whose slot 0 holds: SNAPSHOT {}, SET a, DELETE a. */
    private static Path storeWithSetAndDelete(Path domain) {
        try (Comm comm = Comm.open(domain, FileFuzzTest.OPTIONS)) {
            SharedMemory memory = comm.sharedMemory();
            memory.set("a", 1);
            memory.delete("a");
        }
        return domain.resolve(StoragePage.FILE_NAME);
    }

    /** File offset of the {@code index}-th record of slot 0. */
    private static int recordOffset(Path file, int index) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()).order(ByteOrder.LITTLE_ENDIAN);
            int offset = (int) b.getLong(StoragePageLayout.slotOffsetField(0));
            for (int i = 0; i < index; i++) {
                offset += StoragePageLayout.frameLength(b.getInt(offset + StoragePageLayout.RECORD_LENGTH_OFFSET));
            }
            return offset;
        }
    }

    private static void assertCorrupt(Path file, String problem, Executable action) {
        CorruptFileException e = assertThrows(CorruptFileException.class, action);
        assertEquals(file, e.file());
        assertTrue(e.getMessage().contains(problem) && e.getMessage().contains(file.toString()), e.getMessage());
    }

    private static void writeLong(Path file, long offset, long value) throws IOException {
        write(file, offset, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value));
    }

    private static void writeInt(Path file, long offset, int value) throws IOException {
        write(file, offset, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, value));
    }

    private static void write(Path file, long offset, ByteBuffer bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            while (bytes.hasRemaining()) {
                channel.write(bytes, offset + bytes.position());
            }
        }
    }

    private static long allocatedBytes() {
        try {
            Method method = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
            return (Long) method.invoke(ManagementFactory.getThreadMXBean());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot measure allocation", e);
        }
    }
}
