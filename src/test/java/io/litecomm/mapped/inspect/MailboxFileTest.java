package io.litecomm.mapped.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.CorruptFileException;
import io.litecomm.codec.Codec;
import io.litecomm.mapped.mailbox.MailboxTransport;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged and foreign mailbox files are refused with {@link CorruptFileException} naming the file and the
 * problem. Each test makes a valid channel, patches its file at {@link MailboxLayout} offsets, and opens it
 * again from a fresh {@link Comm} (another process, as far as the file is concerned).
 */
@Timeout(60)
class MailboxFileTest {

    private static final String NAME = "victim";
    private static final int CAPACITY = 8192;
    private static final int MAX = 1000;

    @TempDir
    Path dir;

    private Path domain;
    private Path file;

    @BeforeEach
    void createValidChannel() {
        domain = dir.resolve("domain");
        try (Comm comm = Comm.open(domain)) {
            comm.channel(NAME, String.class, ChannelOptions.builder().capacity(CAPACITY).maxMessageSize(MAX).build());
            file = comm.directory().resolve(NAME + MailboxTransport.SUFFIX);
        }
        assertTrue(Files.isRegularFile(file));
    }

    private void putInt(int offset, int value) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN).putInt(0, value);
        write(offset, b);
    }

    private void putLong(int offset, long value) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value);
        write(offset, b);
    }

    private void write(int offset, ByteBuffer bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            while (bytes.hasRemaining()) {
                ch.write(bytes, offset + bytes.position());
            }
        }
    }

    /**
     * Replaces the file by a new one (a new inode) with the given content, so no mapping of the old one is
     * affected by a length change.
     */
    private void replaceContent(Function<byte[], byte[]> edit) throws IOException {
        byte[] content = edit.apply(Files.readAllBytes(file));
        Files.delete(file);
        Files.write(file, content, StandardOpenOption.CREATE_NEW);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    /** Opens the file through both public entry points and checks both refuse it the same way. */
    private CorruptFileException assertCorrupt(String keyword) {
        CorruptFileException viaChannel;
        try (Comm comm = Comm.open(domain)) {
            viaChannel = assertThrows(CorruptFileException.class, () -> comm.channel(NAME, String.class));
        }
        try (Comm comm = Comm.open(domain)) {
            CorruptFileException viaGet = assertThrows(CorruptFileException.class, () -> comm.getChannel(NAME));
            assertEquals(viaChannel.getMessage(), viaGet.getMessage());
        }
        assertMessage(viaChannel, keyword);
        return viaChannel;
    }

    private void assertMessage(CorruptFileException e, String keyword) {
        String message = e.getMessage();
        assertTrue(message.contains(file.toString()), "message names the file: " + message);
        assertTrue(message.contains(keyword), "message names the problem '" + keyword + "': " + message);
        assertEquals(file, e.file());
    }

    @Test
    void validFileOpens() {
        try (Comm comm = Comm.open(domain)) {
            Channel<String> ch = comm.channel(NAME, String.class);
            ch.send("still fine");
            assertEquals(Optional.of("still fine"), ch.tryReceive());
        }
    }

    @Test
    void badMagic() throws IOException {
        putLong(MailboxLayout.MAGIC_OFFSET, 0x0123456789ABCDEFL);
        assertCorrupt("bad magic");
    }

    @Test
    void garbageHeader() throws IOException {
        byte[] garbage = new byte[MailboxLayout.HEADER_LENGTH];
        new Random(7).nextBytes(garbage);
        write(0, ByteBuffer.wrap(garbage));
        assertCorrupt("bad magic");
    }

    @Test
    void zeroLengthFile() throws IOException {
        replaceContent(old -> new byte[0]);
        assertCorrupt("empty file");
    }

    @Test
    void fileShorterThanItsHeader() throws IOException {
        replaceContent(old -> Arrays.copyOf(old, 100));
        CorruptFileException e = assertCorrupt("truncated header");
        assertTrue(e.getMessage().contains("length=100"), e.getMessage());
    }

    @Test
    void fileShorterThanItsHeaderClaims() throws IOException {
        long full = MailboxLayout.fileLength(CAPACITY);
        replaceContent(old -> Arrays.copyOf(old, MailboxLayout.HEADER_LENGTH + CAPACITY / 2));
        CorruptFileException e = assertCorrupt("truncated");
        assertTrue(e.getMessage().contains("expected=" + full), e.getMessage());
    }

    @Test
    void fileLongerThanItsHeaderClaims() throws IOException {
        replaceContent(old -> {
            byte[] longer = Arrays.copyOf(old, old.length + 100);
            Arrays.fill(longer, old.length, longer.length, (byte) 0x5A);
            return longer;
        });
        assertCorrupt("wrong length");
    }

    @Test
    void newerMajorVersionIsRefusedNamingBothVersions() throws IOException {
        int newer = MailboxLayout.FORMAT_MAJOR + 1;
        putInt(MailboxLayout.VERSION_OFFSET, MailboxLayout.versionWord(newer, 3));
        CorruptFileException e = assertCorrupt("unsupported format version");
        assertTrue(e.getMessage().contains(newer + ".3"), "names the file's version: " + e.getMessage());
        assertTrue(e.getMessage().contains("supported=" + MailboxLayout.FORMAT_MAJOR), "names ours: " + e.getMessage());
    }

    @Test
    void olderMajorVersionIsRefused() throws IOException {
        putInt(MailboxLayout.VERSION_OFFSET, MailboxLayout.versionWord(0, 9));
        assertCorrupt("unsupported format version");
    }

    @Test
    void newerMinorVersionIsAccepted() throws IOException {
        putInt(MailboxLayout.VERSION_OFFSET, MailboxLayout.versionWord(MailboxLayout.FORMAT_MAJOR,
                MailboxLayout.FORMAT_MINOR + 1));
        try (Comm comm = Comm.open(domain)) {
            Channel<String> ch = comm.channel(NAME, String.class);
            ch.send("minor versions are additive");
            assertEquals("minor versions are additive", ch.receive());
        }
    }

    @Test
    void badHeaderLength() throws IOException {
        putInt(MailboxLayout.HEADER_LENGTH_OFFSET, MailboxLayout.HEADER_LENGTH / 2);
        assertCorrupt("bad header length");
    }

    @Test
    void headAfterTail() throws IOException {
        putLong(MailboxLayout.TAIL_OFFSET, 64);
        putLong(MailboxLayout.HEAD_OFFSET, 128);
        assertCorrupt("impossible counters");
    }

    @Test
    void moreClaimedThanTheRingHolds() throws IOException {
        putLong(MailboxLayout.HEAD_OFFSET, 0);
        putLong(MailboxLayout.TAIL_OFFSET, CAPACITY + MailboxLayout.RECORD_ALIGNMENT);
        assertCorrupt("impossible counters");
    }

    @Test
    void closedBitIsNotMistakenForAHugeTail() throws IOException {
        putLong(MailboxLayout.TAIL_OFFSET, MailboxLayout.CLOSED_BIT);
        try (Comm comm = Comm.open(domain)) {
            assertTrue(comm.channel(NAME, String.class).isClosed());
        }
    }

    @Test
    void negativeHead() throws IOException {
        putLong(MailboxLayout.HEAD_OFFSET, -16);
        assertCorrupt("impossible counters");
    }

    @Test
    void misalignedCounters() throws IOException {
        putLong(MailboxLayout.TAIL_OFFSET, 8);
        assertCorrupt("impossible counters");
    }

    @Test
    void capacityNotAPowerOfTwo() throws IOException {
        putInt(MailboxLayout.CAPACITY_OFFSET, CAPACITY + MailboxLayout.RECORD_ALIGNMENT);
        assertCorrupt("bad capacity");
    }

    @Test
    void capacityTooSmall() throws IOException {
        putInt(MailboxLayout.CAPACITY_OFFSET, MailboxLayout.MIN_CAPACITY / 2);
        assertCorrupt("bad capacity");
    }

    @Test
    void capacityNegative() throws IOException {
        putInt(MailboxLayout.CAPACITY_OFFSET, Integer.MIN_VALUE);
        assertCorrupt("bad capacity");
    }

    @Test
    void capacityLargerThanTheFile() throws IOException {
        putInt(MailboxLayout.CAPACITY_OFFSET, CAPACITY * 2);
        assertCorrupt("truncated");
    }

    @Test
    void maximumMessageLargerThanHalfTheRing() throws IOException {
        putInt(MailboxLayout.MAX_MESSAGE_OFFSET, MailboxLayout.maxPayloadFor(CAPACITY) + 1);
        assertCorrupt("bad maximum message length");
    }

    @Test
    void typeDescriptorLengthZero() throws IOException {
        putInt(MailboxLayout.TYPE_LENGTH_OFFSET, 0);
        assertCorrupt("bad type descriptor length");
    }

    @Test
    void typeDescriptorLengthBeyondItsRoom() throws IOException {
        putInt(MailboxLayout.TYPE_LENGTH_OFFSET, MailboxLayout.TYPE_DESCRIPTOR_MAX + 1);
        assertCorrupt("bad type descriptor length");
    }

    @Test
    void typeDescriptorNegativeLength() throws IOException {
        putInt(MailboxLayout.TYPE_LENGTH_OFFSET, -1);
        assertCorrupt("bad type descriptor length");
    }

    @Test
    void typeDescriptorNotUtf8() throws IOException {
        write(MailboxLayout.TYPE_DESCRIPTOR_OFFSET, ByteBuffer.wrap(new byte[] {(byte) 0xC3, (byte) 0x28}));
        putInt(MailboxLayout.TYPE_LENGTH_OFFSET, 2);
        assertCorrupt("not UTF-8");
    }

    @Test
    void headerAsWrittenMatchesTheLayout() throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(MailboxLayout.fileLength(CAPACITY), b.capacity());
        assertEquals(MailboxLayout.MAGIC, b.getLong(MailboxLayout.MAGIC_OFFSET));
        byte[] magic = new byte[8];
        b.get(MailboxLayout.MAGIC_OFFSET, magic);
        assertEquals("LCMAILBX", new String(magic, StandardCharsets.US_ASCII));
        assertEquals(MailboxLayout.versionWord(MailboxLayout.FORMAT_MAJOR, MailboxLayout.FORMAT_MINOR),
                b.getInt(MailboxLayout.VERSION_OFFSET));
        assertEquals(MailboxLayout.HEADER_LENGTH, b.getInt(MailboxLayout.HEADER_LENGTH_OFFSET));
        assertEquals(CAPACITY, b.getInt(MailboxLayout.CAPACITY_OFFSET));
        assertEquals(MAX, b.getInt(MailboxLayout.MAX_MESSAGE_OFFSET));
        assertEquals(0, b.getInt(MailboxLayout.FLAGS_OFFSET));
        String descriptor = "json:java.lang.String";
        assertEquals(descriptor.length(), b.getInt(MailboxLayout.TYPE_LENGTH_OFFSET));
        byte[] raw = new byte[descriptor.length()];
        b.get(MailboxLayout.TYPE_DESCRIPTOR_OFFSET, raw);
        assertEquals(descriptor, new String(raw, StandardCharsets.UTF_8));
        long created = b.getLong(MailboxLayout.CREATED_OFFSET);
        assertTrue(Math.abs(System.currentTimeMillis() - created) < Duration.ofHours(1).toMillis(), "created=" + created);
        assertEquals(0, b.getLong(MailboxLayout.TAIL_OFFSET));
        assertEquals(0, b.getLong(MailboxLayout.HEAD_OFFSET));
        for (int i = MailboxLayout.TYPE_DESCRIPTOR_OFFSET + raw.length; i < MailboxLayout.TAIL_OFFSET; i++) {
            assertEquals(0, b.get(i), "descriptor padding is zero at " + i);
        }
        for (int i = MailboxLayout.HEADER_LENGTH; i < b.capacity(); i++) {
            assertEquals(0, b.get(i), "new ring is zero at " + i);
        }
    }

    @Test
    void impossibleRecordLengthAtTheHeadFailsReceiveInsteadOfHanging() throws IOException {
        try (Comm comm = Comm.open(domain)) {
            comm.channel(NAME, String.class).send("about to be damaged");
        }
        int record = MailboxLayout.recordOffset(0);
        putInt(record + MailboxLayout.RECORD_LENGTH_OFFSET, MAX + 1);
        try (Comm comm = Comm.open(domain)) {
            Channel<String> ch = comm.channel(NAME, String.class);
            CorruptFileException e = assertThrows(CorruptFileException.class, () -> ch.receive(Duration.ofSeconds(30)));
            assertMessage(e, "impossible record");
            assertThrows(CorruptFileException.class, ch::tryReceive);
        }
    }

    @Test
    void negativeRecordLengthAtTheHeadFailsReceive() throws IOException {
        try (Comm comm = Comm.open(domain)) {
            comm.channel(NAME, String.class).send("x");
        }
        putInt(MailboxLayout.recordOffset(0) + MailboxLayout.RECORD_LENGTH_OFFSET, -5);
        try (Comm comm = Comm.open(domain)) {
            Channel<String> ch = comm.channel(NAME, String.class);
            assertMessage(assertThrows(CorruptFileException.class, ch::receive), "impossible record");
        }
    }

    @Test
    void unknownRecordTypeAtTheHeadFailsReceive() throws IOException {
        try (Comm comm = Comm.open(domain)) {
            comm.channel(NAME, String.class).send("x");
        }
        putInt(MailboxLayout.recordOffset(0) + MailboxLayout.RECORD_TYPE_OFFSET, 77);
        try (Comm comm = Comm.open(domain)) {
            Channel<String> ch = comm.channel(NAME, String.class);
            CorruptFileException e = assertThrows(CorruptFileException.class, ch::receive);
            assertMessage(e, "impossible record");
            assertTrue(e.getMessage().contains("type=77"), e.getMessage());
        }
    }

    @Test
    void paddingRunningPastTheRingEndFailsReceive() throws IOException {
        try (Comm comm = Comm.open(domain)) {
            comm.channel(NAME, String.class).send("x");
        }
        int record = MailboxLayout.recordOffset(0);
        putInt(record + MailboxLayout.RECORD_TYPE_OFFSET, MailboxLayout.TYPE_PADDING);
        putInt(record + MailboxLayout.RECORD_LENGTH_OFFSET, CAPACITY);
        try (Comm comm = Comm.open(domain)) {
            Channel<String> ch = comm.channel(NAME, String.class);
            assertMessage(assertThrows(CorruptFileException.class, ch::receive), "impossible record");
        }
    }

    @Test
    void deleteRecoversTheNameOfACorruptFile() throws IOException {
        putLong(MailboxLayout.MAGIC_OFFSET, 0);
        try (Comm comm = Comm.open(domain)) {
            assertThrows(CorruptFileException.class, () -> comm.channel(NAME, String.class));
            assertTrue(comm.delete(NAME));
            Channel<Integer> fresh = comm.channel(NAME, Integer.class);
            fresh.send(1);
            assertEquals(Integer.valueOf(1), fresh.receive());
        }
    }

    @Test
    void fileOfSeveralGigabytesIsCorruptNotAnIllegalArgument() throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(3L << 30); // sparse: takes no space
        }
        assertCorrupt("wrong length");
    }

    @Test
    void specsTheWriterAcceptsMakeFilesTheReaderAccepts() {
        Codec<byte[]> anonymous = new Codec<>() {
            @Override
            public String descriptor() {
                return "";
            }

            @Override
            public byte[] encode(byte[] value) {
                return value;
            }

            @Override
            public byte[] decode(byte[] data) {
                return data;
            }
        };
        try (Comm comm = Comm.open(domain)) {
            try {
                comm.channel("anonymous", anonymous).send(new byte[] {1});
            } catch (IllegalArgumentException refused) {
                assertFalse(Files.exists(comm.directory().resolve("anonymous.chan")), "refused before writing");
                return;
            }
        }
        try (Comm comm = Comm.open(domain)) {
            assertEquals(1, comm.channel("anonymous", anonymous).size());
        }
    }
}
