package io.litecomm.mapped.store;

import static io.litecomm.mapped.inspect.StoragePageLayout.FILE_LENGTH_OFFSET;
import static io.litecomm.mapped.inspect.StoragePageLayout.GENERATION_OFFSET;
import static io.litecomm.mapped.inspect.StoragePageLayout.HEADER_LENGTH;
import static io.litecomm.mapped.inspect.StoragePageLayout.MAGIC_OFFSET;
import static io.litecomm.mapped.inspect.StoragePageLayout.RECORD_CRC_OFFSET;
import static io.litecomm.mapped.inspect.StoragePageLayout.RECORD_HEADER_LENGTH;
import static io.litecomm.mapped.inspect.StoragePageLayout.RECORD_LENGTH_OFFSET;
import static io.litecomm.mapped.inspect.StoragePageLayout.RECORD_TYPE_OFFSET;
import static io.litecomm.mapped.inspect.StoragePageLayout.TYPE_SNAPSHOT;
import static io.litecomm.mapped.inspect.StoragePageLayout.VERSION_WORD_OFFSET;
import static io.litecomm.mapped.inspect.StoragePageLayout.slotEndField;
import static io.litecomm.mapped.inspect.StoragePageLayout.slotLengthField;
import static io.litecomm.mapped.inspect.StoragePageLayout.slotOffsetField;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Comm;
import io.litecomm.CorruptFileException;
import io.litecomm.SharedMemory;
import io.litecomm.mapped.inspect.StoragePageLayout;
import io.litecomm.testing.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A damaged {@code storage.page} gives {@link CorruptFileException} naming the file and the damage,
 * never a hang, a crash or made-up data; and nothing is written to it. Offsets come from
 * {@link StoragePageLayout}. The timeout runs each test in its own thread, so a hang fails.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SharedMemoryCorruptFileTest {

    @TempDir
    Path dir;

    private Path domain;
    private Path page;

    /** A page with three committed changes in slot 0: snapshot {}, SET a, SET b, DELETE a. */
    @BeforeEach
    void createPage() {
        domain = dir.resolve("d");
        try (Comm comm = Comm.open(domain)) {
            SharedMemory memory = comm.sharedMemory();
            memory.set("a", "x".repeat(10));
            memory.set("b", Map.of("n", 1));
            memory.delete("a");
        }
        page = domain.resolve(StoragePage.FILE_NAME);
        assertEquals(0, readLong(GENERATION_OFFSET), "the fixture expects slot 0 active");
    }

    @Test
    void badMagic() {
        writeLong(MAGIC_OFFSET, 0x4141414141414141L);
        assertCorrupt("bad magic");
    }

    @Test
    void unsupportedFormatVersion() {
        writeInt(VERSION_WORD_OFFSET, (StoragePageLayout.FORMAT_MAJOR + 1) << 16);
        assertCorrupt("version");
    }

    @Test
    void zeroLength() {
        truncate(0);
        assertCorrupt("length=0");
    }

    @Test
    void truncatedInsideTheHeader() {
        truncate(HEADER_LENGTH / 2);
        assertCorrupt("length=" + HEADER_LENGTH / 2);
    }

    @Test
    void truncatedInsideTheSlots() {
        truncate(HEADER_LENGTH + 100);
        assertCorrupt("actualLength=" + (HEADER_LENGTH + 100));
    }

    @Test
    void headerClaimsMoreBytesThanTheFileHas() {
        long size = fileSize();
        writeLong(FILE_LENGTH_OFFSET, size + 4096);
        assertCorrupt("fileLength=" + (size + 4096));
    }

    @Test
    void negativeGeneration() {
        writeLong(GENERATION_OFFSET, -1);
        assertCorrupt("generation");
    }

    @Test
    void garbageInARecordFailsItsChecksum() {
        long record = firstSetRecord();
        writeBytes(record + RECORD_HEADER_LENGTH + 2, "GARBAGE".getBytes(StandardCharsets.US_ASCII));
        assertCorrupt("checksum");
    }

    @Test
    void recordWithAValidChecksumButNoJsonObject() {
        long record = firstSetRecord();
        int length = readInt(record + RECORD_LENGTH_OFFSET);
        byte[] payload = ("[1]" + " ".repeat(length - 3)).getBytes(StandardCharsets.US_ASCII);
        writeBytes(record + RECORD_HEADER_LENGTH, payload);
        CRC32C crc = new CRC32C();
        crc.update(payload);
        writeInt(record + RECORD_CRC_OFFSET, (int) crc.getValue());
        assertCorrupt("record");
    }

    @Test
    void unknownRecordType() {
        writeInt(firstSetRecord() + RECORD_TYPE_OFFSET, 99);
        assertCorrupt("impossible record");
    }

    @Test
    void snapshotRecordThatIsNotFirst() {
        writeInt(firstSetRecord() + RECORD_TYPE_OFFSET, TYPE_SNAPSHOT);
        assertCorrupt("impossible record");
    }

    @Test
    void recordLongerThanTheLog() {
        writeInt(firstSetRecord() + RECORD_LENGTH_OFFSET, 1_000_000);
        assertCorrupt("impossible record");
    }

    /**
     * A length whose frame overflows an int. Read in a child JVM (256 MiB heap): the page must not
     * make a reader allocate gigabytes or index outside the mapping.
     */
    @Test
    void recordLengthThatOverflowsTheFrameLength() {
        writeInt(firstSetRecord() + RECORD_LENGTH_OFFSET, Integer.MAX_VALUE - 8);
        try (ChildJvm child = ChildJvm.start(dir, SharedMemoryChild.class, "read", domain.toString())) {
            child.awaitExit(Duration.ofSeconds(25));
            String output = child.output();
            assertTrue(output.contains("CORRUPT file=") && output.contains(StoragePage.FILE_NAME),
                    "expected CorruptFileException naming the page:\n" + output);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"offset-inside-header", "offset-beyond-file", "length-beyond-file", "end-beyond-length",
        "negative-end", "negative-length"})
    void impossibleSlotDescriptor(String damage) {
        long size = fileSize();
        switch (damage) {
            case "offset-inside-header" -> writeLong(slotOffsetField(0), 8);
            case "offset-beyond-file" -> writeLong(slotOffsetField(0), size + 4096);
            case "length-beyond-file" -> writeLong(slotLengthField(0), size * 4);
            case "end-beyond-length" -> writeLong(slotEndField(0), readLong(slotLengthField(0)) + 8);
            case "negative-end" -> writeLong(slotEndField(0), -8);
            case "negative-length" -> writeLong(slotLengthField(0), -4096);
            default -> throw new IllegalArgumentException(damage);
        }
        assertCorrupt("slot");
    }

    /**
     * The generation points at slot 1, which no compaction ever wrote (log end 0, no snapshot). A
     * live slot always starts with a snapshot, so this is damage, not an empty store.
     */
    @Test
    void activeSlotWithoutASnapshot() {
        writeLong(GENERATION_OFFSET, 1);
        assertEquals(0, readLong(slotEndField(1)));
        assertCorrupt("slot");
    }

    /** Damage done while a process has the page open is found at its next read, not served from cache. */
    @Test
    void damageUnderALiveReader() {
        try (Comm comm = Comm.open(domain)) {
            SharedMemory memory = comm.sharedMemory();
            assertEquals(Map.of("n", 1), memory.get("b"));
            writeLong(slotEndField(0), readLong(slotLengthField(0)) + 8);
            CorruptFileException e = assertThrows(CorruptFileException.class, () -> memory.get("b"));
            assertNamesPage(e, "slot");
            assertThrows(CorruptFileException.class, memory::getAll);
            assertThrows(CorruptFileException.class, () -> memory.set("c", 1));
        }
    }

    private void assertCorrupt(String problem) {
        byte[] before = readAll();
        try (Comm comm = Comm.open(domain)) {
            CorruptFileException e = assertThrows(CorruptFileException.class, () -> comm.sharedMemory().getAll());
            assertNamesPage(e, problem);
            // still refused, for readers and writers, and the writer wrote nothing
            assertThrows(CorruptFileException.class, () -> comm.sharedMemory().get("b"));
            assertThrows(CorruptFileException.class, () -> comm.sharedMemory().set("c", 1));
            assertThrows(CorruptFileException.class, () -> comm.sharedMemory().update("b", old -> 2));
        }
        assertArrayEquals(before, readAll(), "a refused page must not be written");
    }

    private void assertNamesPage(CorruptFileException e, String problem) {
        String message = e.getMessage();
        assertTrue(message.contains(page.getFileName().toString()) && message.contains(domain.getFileName().toString()),
                "names the file: " + message);
        assertTrue(message.contains(problem), "says what is wrong (" + problem + "): " + message);
        try {
            assertTrue(Files.isSameFile(page, e.file()), "file(): " + e.file());
        } catch (IOException io) {
            throw new UncheckedIOException(io);
        }
    }

    /** Absolute file offset of the first SET record: right after slot 0's snapshot. */
    private long firstSetRecord() {
        long slot = readLong(slotOffsetField(0));
        int snapshotLength = readInt(slot + RECORD_LENGTH_OFFSET);
        return slot + StoragePageLayout.frameLength(snapshotLength);
    }

    private long fileSize() {
        try {
            return Files.size(page);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] readAll() {
        try {
            return Files.readAllBytes(page);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ByteBuffer read(long offset, int length) {
        try (FileChannel channel = FileChannel.open(page, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining()) {
                if (channel.read(b, offset + b.position()) < 0) {
                    throw new IOException("end of file at " + (offset + b.position()));
                }
            }
            return b.flip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long readLong(long offset) {
        return read(offset, Long.BYTES).getLong(0);
    }

    private int readInt(long offset) {
        return read(offset, Integer.BYTES).getInt(0);
    }

    private void writeBytes(long offset, byte[] bytes) {
        try (FileChannel channel = FileChannel.open(page, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                channel.write(b, offset + b.position());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeLong(long offset, long value) {
        writeBytes(offset, ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value).array());
    }

    private void writeInt(long offset, int value) {
        writeBytes(offset, ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(0, value).array());
    }

    private void truncate(long length) {
        try (FileChannel channel = FileChannel.open(page, StandardOpenOption.WRITE)) {
            channel.truncate(length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
