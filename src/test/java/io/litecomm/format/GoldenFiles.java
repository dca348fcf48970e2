package io.litecomm.format;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.SharedMemory;
import io.litecomm.mapped.file.DomainDirectory;
import io.litecomm.mapped.store.PubSubRing;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Writes the golden files of {@code src/test/resources/format/} with today's writers: one good file
 * per on-disk format and version, and damaged variants made from it by patching a few bytes.
 * {@link GoldenFormatTest} reads them and writes the good ones again to compare byte for byte.
 *
 * <p>Regenerating the files is a format change: bump the version in {@code docs/FORMAT.md}
 * ({@code src/test/resources/format/README.md}). Run with the test class path:
 * {@code java -cp target/classes:target/test-classes:$(deps) io.litecomm.format.GoldenFiles [DIR]}.
 */
public final class GoldenFiles {

    /** Name of the golden channel. */
    static final String CHANNEL = "golden";
    /** Ring capacity of the golden channel: the smallest allowed. */
    static final int MAILBOX_CAPACITY = 4096;
    /** Maximum message length of the golden channel. */
    static final int MAILBOX_MAX_MESSAGE = 1024;
    /** Capacity of the golden pub/sub ring: the smallest allowed. */
    static final int RING_CAPACITY = 4096;

    /** Good mailbox, format 1.0. */
    static final String MAILBOX = "mailbox-1.0.chan";
    /** Good storage page, format 2.0 (gzip: 135 KiB of mostly zeroes). */
    static final String PAGE = "storage-2.0.page.gz";
    /** Good pub/sub ring, format 1.0. */
    static final String RING = "pubsub-1.0.ring";

    /** File offset of the mailbox's creation stamp (varies: the creation time). */
    static final int MAILBOX_CREATED = 32;
    /** File offset of producer slot 0's owner pid (varies: the writer's pid). */
    static final int MAILBOX_SLOT0_PID = 1024;

    /** Messages left in the golden channel, in order. */
    static final List<String> MAILBOX_MESSAGES = List.of(big('e'), big('f'), "g", "h");

    /** Keys of the golden page after its compaction, in no particular order. */
    static final Map<String, Object> PAGE_CONTENTS = pageContents();

    private GoldenFiles() {
    }

    /**
     * Regenerates every golden file.
     *
     * @param args the directory to write to (default {@code src/test/resources/format})
     * @throws IOException on failure
     */
    public static void main(String[] args) throws IOException {
        Path out = Paths.get(args.length > 0 ? args[0] : "src/test/resources/format");
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("litecomm-golden");
        try {
            for (Map.Entry<String, byte[]> file : all(work).entrySet()) {
                byte[] bytes = file.getValue();
                Files.write(out.resolve(file.getKey()), file.getKey().endsWith(".gz") ? gzip(bytes) : bytes);
            }
        } finally {
            deleteTree(work);
        }
    }

    /** Every golden file by name, uncompressed. */
    static Map<String, byte[]> all(Path work) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        byte[] mailbox = mailbox(work.resolve("mailbox"));
        files.put(MAILBOX, mailbox);
        files.put("mailbox-1.0-bad-magic.chan", patch(mailbox, 0, "NOTAMBOX".getBytes(StandardCharsets.US_ASCII)));
        files.put("mailbox-2.0-unknown-version.chan", patch(mailbox, 8, intBytes(0x00020000)));
        files.put("mailbox-1.0-truncated.chan", Arrays.copyOf(mailbox, 8192 + 2048));
        // the check word of the record at the head (position 3712, padding): damaged record header
        files.put("mailbox-1.0-bad-check.chan", patch(mailbox, 8192 + 3712 + 12, intBytes(0x12345602)));
        // head beyond the tail
        files.put("mailbox-1.0-bad-counters.chan", patch(mailbox, 640, longBytes(1L << 20)));

        byte[] page = page(work.resolve("page"));
        files.put(PAGE, page);
        files.put("storage-2.0-bad-magic.page.gz", patch(page, 0, "NOTASTOR".getBytes(StandardCharsets.US_ASCII)));
        files.put("storage-3.0-unknown-version.page.gz", patch(page, 8, intBytes(0x00030000)));
        files.put("storage-2.0-truncated.page.gz", Arrays.copyOf(page, 2048));
        // one byte of the SNAPSHOT payload of the active slot (slot 1): its CRC-32C no longer matches
        int slot1 = (int) ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN).getLong(56);
        files.put("storage-2.0-bad-crc.page.gz", patch(page, slot1 + 24 + 1, new byte[] {(byte) (page[slot1 + 25] ^ 0x20)}));
        // the active slot's offset moved past the end of the file
        files.put("storage-2.0-slot-beyond-file.page.gz", patch(page, 56, longBytes(page.length + 4096L)));

        byte[] ring = ring(work.resolve("ring"));
        files.put(RING, ring);
        files.put("pubsub-1.0-bad-magic.ring", patch(ring, 0, "NOTARING".getBytes(StandardCharsets.US_ASCII)));
        files.put("pubsub-2.0-unknown-version.ring", patch(ring, 8, intBytes(0x00020000)));
        files.put("pubsub-1.0-truncated.ring", Arrays.copyOf(ring, 4096 + 1024));
        // the tail off the 32-byte grid
        files.put("pubsub-1.0-bad-tail.ring", patch(ring, 256, longBytes(5000)));
        return files;
    }

    /**
     * The golden channel: 4 big messages sent and received, then 2 big ones (the first does not fit
     * before the ring's end: a padding record, then the message at ring offset 0) and 2 small ones
     * left unread.
     */
    static byte[] mailbox(Path domain) throws IOException {
        ChannelOptions options = ChannelOptions.builder().capacity(MAILBOX_CAPACITY).maxMessageSize(MAILBOX_MAX_MESSAGE)
                .build();
        try (Comm comm = Comm.open(domain)) {
            Channel<String> channel = comm.channel(CHANNEL, String.class, options);
            for (char c = 'a'; c <= 'd'; c++) {
                channel.send(big(c));
            }
            for (int i = 0; i < 4; i++) {
                channel.receive();
            }
            for (String message : MAILBOX_MESSAGES) {
                channel.send(message);
            }
        }
        return Files.readAllBytes(domain.resolve(CHANNEL + ".chan"));
    }

    /** A 898-character string: 900 bytes of JSON, a frame of 928 bytes. */
    static String big(char c) {
        return String.valueOf(c).repeat(898);
    }

    /**
     * The golden page: three keys, a filler key set until the first slot is full (a compaction
     * into slot 1, generation 1), then the filler deleted and a fourth key set.
     */
    static byte[] page(Path domain) throws IOException {
        try (Comm comm = Comm.open(domain)) {
            SharedMemory memory = comm.sharedMemory();
            memory.set("name", "litecomm");
            memory.set("count", 3);
            memory.set("list", List.of(1, 2, 3));
            for (int i = 0; i < 70; i++) {
                memory.set("filler", "x".repeat(1000) + i);
            }
            memory.delete("filler");
            memory.set("nested", nested());
            memory.set("count", 4);
        }
        return Files.readAllBytes(domain.resolve("storage.page"));
    }

    /** A map with a fixed order: {@code Map.of} iterates in an order that changes from run to run. */
    private static Map<String, Object> nested() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("ok", true);
        nested.put("none", Map.of());
        return nested;
    }

    private static Map<String, Object> pageContents() {
        Map<String, Object> contents = new LinkedHashMap<>();
        contents.put("name", "litecomm");
        contents.put("count", 4);
        contents.put("list", List.of(1, 2, 3));
        contents.put("nested", nested());
        return contents;
    }

    /**
     * The golden ring: six records of 736 bytes (the sixth does not fit before the ring's end:
     * padding, then the record at ring offset 0), then two small ones that overwrite the second.
     */
    static byte[] ring(Path domain) throws IOException {
        DomainDirectory directory = DomainDirectory.open(domain);
        try (PubSubRing ring = PubSubRing.open(directory, RING_CAPACITY)) {
            for (int i = 0; i < 6; i++) {
                ring.publish("bulk", ringBulk(i));
            }
            ring.publish("news", "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
            ring.publish("news", "\"two\"".getBytes(StandardCharsets.UTF_8));
        }
        return Files.readAllBytes(domain.resolve(PubSubRing.FILE_NAME));
    }

    /** A 708-byte JSON string: with topic "bulk", a frame of 24 + 4 + 708 = 736 bytes. */
    static byte[] ringBulk(int i) {
        return ("\"" + String.valueOf((char) ('0' + i)).repeat(706) + "\"").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] patch(byte[] original, int offset, byte[] bytes) {
        byte[] copy = original.clone();
        System.arraycopy(bytes, 0, copy, offset, bytes.length);
        return copy;
    }

    static byte[] intBytes(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
    }

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        byte[] zipped = out.toByteArray();
        zipped[4] = zipped[5] = zipped[6] = zipped[7] = 0; // no modification time: the same bytes every run
        return zipped;
    }

    /**
     * A golden file's bytes, uncompressed, from the test class path.
     *
     * @param name the file's name
     * @return its bytes
     */
    static byte[] read(String name) {
        try (InputStream in = GoldenFiles.class.getResourceAsStream("/format/" + name)) {
            if (in == null) {
                throw new IllegalStateException("golden file missing from the test class path: format/" + name);
            }
            byte[] raw = in.readAllBytes();
            if (!name.endsWith(".gz")) {
                return raw;
            }
            try (InputStream unzip = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                return unzip.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read golden file: name=" + name, e);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
