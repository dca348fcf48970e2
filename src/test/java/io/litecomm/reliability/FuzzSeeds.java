package io.litecomm.reliability;

import static io.litecomm.reliability.FileFuzzTest.CHANNEL;
import static io.litecomm.reliability.FileFuzzTest.CHANNEL_CAPACITY;
import static io.litecomm.reliability.FileFuzzTest.CHANNEL_MAX_MESSAGE;
import static io.litecomm.reliability.FileFuzzTest.OPTIONS;
import static io.litecomm.reliability.FileFuzzTest.PROBE;
import static io.litecomm.reliability.FileFuzzTest.RING_CAPACITY;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.SharedMemory;
import io.litecomm.mapped.file.DomainDirectory;
import io.litecomm.mapped.inspect.MailboxLayout;
import io.litecomm.mapped.inspect.PubSubLayout;
import io.litecomm.mapped.inspect.StoragePageLayout;
import io.litecomm.mapped.store.PubSubRing;
import io.litecomm.mapped.store.StoragePage;
import io.litecomm.reliability.FuzzMutation.Field;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The valid files {@link FileFuzzTest} mutates, built with the real library, and what reading each
 * may validly return.
 */
final class FuzzSeeds {

    private FuzzSeeds() {
    }

    /** A channel seed: the bytes, its fields, every message sent and where each one's payload is. */
    static final class ChannelSeed {
        byte[] bytes;
        List<Field> fields = new ArrayList<>();
        final List<byte[]> sent = new ArrayList<>();
        final List<byte[]> pending = new ArrayList<>();
        /** File offset of each sent message's payload, or -1 once overwritten by a later lap. */
        final List<Integer> payloadAt = new ArrayList<>();
        /** File offset and length of the bytes after each padding record's header. */
        final List<int[]> paddingAt = new ArrayList<>();

        static ChannelSeed build(Path domain) throws IOException {
            ChannelSeed seed = new ChannelSeed();
            Random random = new Random(11);
            ChannelOptions options = ChannelOptions.builder().capacity(CHANNEL_CAPACITY).maxMessageSize(CHANNEL_MAX_MESSAGE)
                    .build();
            long position = 0;
            List<Long> positions = new ArrayList<>();
            try (Comm comm = Comm.open(domain, OPTIONS)) {
                Channel<byte[]> channel = comm.channel(CHANNEL, byte[].class, options);
                int[] sizes = {0, 1, 15, 16, 17, 100, 2900, 0, 33, 1000, 2048, 7, 0, 500, 64, 1500, 3000, 0, 12, 250};
                int consumed = 0;
                for (int i = 0; i < sizes.length; i++) {
                    byte[] payload = new byte[sizes[i]];
                    random.nextBytes(payload);
                    if (!channel.trySend(payload)) {
                        // full: consume the oldest to make room, as a slow receiver would
                        assertArrayEquals(seed.sent.get(consumed++), channel.tryReceive().orElseThrow());
                        i--;
                        continue;
                    }
                    int frame = MailboxLayout.frameLength(payload.length);
                    int toEnd = CHANNEL_CAPACITY - (int) (position & (CHANNEL_CAPACITY - 1));
                    if (frame > toEnd) {
                        position += toEnd;
                    }
                    positions.add(position);
                    position += frame;
                    seed.sent.add(payload);
                }
                for (int i = 0; i < 3; i++) {
                    assertArrayEquals(seed.sent.get(consumed++), channel.tryReceive().orElseThrow());
                }
                seed.pending.addAll(seed.sent.subList(consumed, seed.sent.size()));
            }
            Path file = domain.resolve(CHANNEL + ".chan");
            seed.bytes = Files.readAllBytes(file);
            ByteBuffer b = ByteBuffer.wrap(seed.bytes).order(ByteOrder.LITTLE_ENDIAN);
            assertTrue(position > CHANNEL_CAPACITY, "the seed must wrap the ring");
            assertEquals(position, b.getLong(MailboxLayout.TAIL_OFFSET), "tail");
            for (int i = 0; i < seed.sent.size(); i++) {
                long p = positions.get(i);
                int base = MailboxLayout.recordOffset((int) (p & (CHANNEL_CAPACITY - 1)));
                boolean intact = b.getLong(base) == p + 1;
                seed.payloadAt.add(intact ? base + MailboxLayout.RECORD_HEADER_LENGTH : -1);
                if (intact) {
                    seed.fields.add(new Field("tag" + i, base, 8));
                    seed.fields.add(new Field("length" + i, base + MailboxLayout.RECORD_LENGTH_OFFSET, 4));
                    seed.fields.add(new Field("check" + i, base + MailboxLayout.RECORD_TYPE_OFFSET, 4));
                }
            }
            addPaddingFields(seed, b);
            seed.fields.addAll(List.of(
                    new Field("magic", MailboxLayout.MAGIC_OFFSET, 8),
                    new Field("version", MailboxLayout.VERSION_OFFSET, 4),
                    new Field("headerLength", MailboxLayout.HEADER_LENGTH_OFFSET, 4),
                    new Field("capacity", MailboxLayout.CAPACITY_OFFSET, 4),
                    new Field("maxMessage", MailboxLayout.MAX_MESSAGE_OFFSET, 4),
                    new Field("typeLength", MailboxLayout.TYPE_LENGTH_OFFSET, 4),
                    new Field("flags", MailboxLayout.FLAGS_OFFSET, 4),
                    new Field("descriptor", MailboxLayout.TYPE_DESCRIPTOR_OFFSET, 8),
                    new Field("tail", MailboxLayout.TAIL_OFFSET, 8),
                    new Field("tail", MailboxLayout.TAIL_OFFSET, 8),
                    new Field("head", MailboxLayout.HEAD_OFFSET, 8),
                    new Field("head", MailboxLayout.HEAD_OFFSET, 8),
                    new Field("sleeperMask", MailboxLayout.SLEEPER_MASK_OFFSET, 4),
                    new Field("bell0", MailboxLayout.bellOffset(0), 8),
                    new Field("bell15", MailboxLayout.bellOffset(15), 8)));
            for (int slot : new int[] {0, 1, 47}) {
                seed.fields.add(new Field("pid" + slot, MailboxLayout.producerSlotOffset(slot), 8));
                for (int entry : new int[] {0, 6}) {
                    seed.fields.add(new Field("claimStart" + slot + "." + entry, MailboxLayout.claimStartOffset(slot, entry), 8));
                    seed.fields.add(new Field("claimEnd" + slot + "." + entry, MailboxLayout.claimEndOffset(slot, entry), 8));
                }
            }
            return seed;
        }

        private static void addPaddingFields(ChannelSeed seed, ByteBuffer b) {
            for (int offset = 0; offset < CHANNEL_CAPACITY; offset += MailboxLayout.RECORD_ALIGNMENT) {
                int base = MailboxLayout.recordOffset(offset);
                int check = b.getInt(base + MailboxLayout.RECORD_TYPE_OFFSET);
                long tag = b.getLong(base);
                if (tag > 0 && MailboxLayout.typeOf(check) == MailboxLayout.TYPE_PADDING
                        && check == MailboxLayout.checkWord(MailboxLayout.TYPE_PADDING, tag - 1,
                        b.getInt(base + MailboxLayout.RECORD_LENGTH_OFFSET))) {
                    seed.paddingAt.add(new int[] {base + MailboxLayout.RECORD_HEADER_LENGTH,
                            b.getInt(base + MailboxLayout.RECORD_LENGTH_OFFSET)});
                    seed.fields.add(new Field("paddingTag", base, 8));
                    seed.fields.add(new Field("paddingLength", base + MailboxLayout.RECORD_LENGTH_OFFSET, 4));
                    seed.fields.add(new Field("paddingCheck", base + MailboxLayout.RECORD_TYPE_OFFSET, 4));
                }
            }
        }

        /** A message is valid if it was sent, is the probe, or is what the file now holds at a sent payload. */
        /**
         * Whether a message is the bytes after a padding record's header, read as a message because
         * the type byte of its check word changed from 2 to 1: format 1.0 hashes position and length
         * into the check word, not the type, so this one-byte damage cannot be detected.
         */
        boolean isPaddingReadAsMessage(byte[] message, byte[] mutated) {
            for (int[] padding : paddingAt) {
                int at = padding[0];
                if (message.length == padding[1] && at + message.length <= mutated.length
                        && Arrays.equals(mutated, at, at + message.length, message, 0, message.length)
                        && mutated[at - MailboxLayout.RECORD_HEADER_LENGTH + MailboxLayout.RECORD_TYPE_OFFSET]
                                == MailboxLayout.TYPE_MESSAGE) {
                    return true;
                }
            }
            return false;
        }

        boolean accepts(byte[] message, byte[] mutated) {
            if (Arrays.equals(message, PROBE)) {
                return true;
            }
            for (int i = 0; i < sent.size(); i++) {
                if (Arrays.equals(sent.get(i), message)) {
                    return true;
                }
                int at = payloadAt.get(i);
                if (at >= 0 && message.length == sent.get(i).length && at + message.length <= mutated.length
                        && Arrays.equals(mutated, at, at + message.length, message, 0, message.length)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A store's state: what {@code getAll()} and {@code version()} said. */
    record StoreState(Map<String, Object> values, long version) {
        @Override
        public String toString() {
            Map<String, String> brief = new TreeMap<>();
            values.forEach((k, v) -> {
                String text = String.valueOf(v);
                brief.put(k, text.length() > 40 ? text.substring(0, 20) + "...(" + text.length() + " chars)" : text);
            });
            return "StoreState[version=" + version + " values=" + brief + "]";
        }
    }

    /** A shared-memory seed: the bytes, its fields and every state the store went through. */
    static final class StoreSeed {
        byte[] bytes;
        final List<Field> fields = new ArrayList<>();
        final List<StoreState> history = new ArrayList<>();
        final List<String> keys = new ArrayList<>();

        static StoreSeed build(Path domain) throws IOException {
            StoreSeed seed = new StoreSeed();
            try (Comm comm = Comm.open(domain, OPTIONS)) {
                SharedMemory memory = comm.sharedMemory();
                seed.record(memory);
                String big = "x".repeat(9000);
                memory.set("a", 1);
                seed.record(memory);
                memory.set("b", Map.of("n", List.of(1, 2, 3), "s", "text"));
                seed.record(memory);
                memory.set("nothing", null);
                seed.record(memory);
                memory.delete("a");
                seed.record(memory);
                for (int i = 0; i < 12; i++) {
                    memory.set("big" + (i % 3), big + i);
                    seed.record(memory);
                }
                memory.set("c", "after compaction");
                seed.record(memory);
                memory.delete("big0");
                seed.record(memory);
                memory.set("a", List.of("again"));
                seed.record(memory);
                seed.keys.addAll(List.of("a", "b", "c", "nothing", "big0", "big1", "big2", "absent"));
            }
            Path file = domain.resolve(StoragePage.FILE_NAME);
            seed.bytes = Files.readAllBytes(file);
            ByteBuffer b = ByteBuffer.wrap(seed.bytes).order(ByteOrder.LITTLE_ENDIAN);
            long generation = b.getLong(StoragePageLayout.GENERATION_OFFSET);
            assertTrue(generation >= 1, "the seed must have compacted at least once: generation=" + generation);
            seed.fields.addAll(List.of(
                    new Field("magic", StoragePageLayout.MAGIC_OFFSET, 8),
                    new Field("version", StoragePageLayout.VERSION_WORD_OFFSET, 4),
                    new Field("headerLength", StoragePageLayout.HEADER_LENGTH_OFFSET, 4),
                    new Field("generation", StoragePageLayout.GENERATION_OFFSET, 8),
                    new Field("generation", StoragePageLayout.GENERATION_OFFSET, 8),
                    new Field("fileLength", StoragePageLayout.FILE_LENGTH_OFFSET, 8),
                    new Field("storeVersion", StoragePageLayout.STORE_VERSION_OFFSET, 8)));
            for (int slot = 0; slot < 2; slot++) {
                seed.fields.add(new Field("slotOffset" + slot, StoragePageLayout.slotOffsetField(slot), 8));
                seed.fields.add(new Field("slotLength" + slot, StoragePageLayout.slotLengthField(slot), 8));
                seed.fields.add(new Field("slotEnd" + slot, StoragePageLayout.slotEndField(slot), 8));
                seed.fields.add(new Field("slotEnd" + slot, StoragePageLayout.slotEndField(slot), 8));
                long offset = b.getLong(StoragePageLayout.slotOffsetField(slot));
                long end = b.getLong(StoragePageLayout.slotEndField(slot));
                long position = 0;
                int record = 0;
                while (position < end) {
                    int base = (int) (offset + position);
                    int length = b.getInt(base + StoragePageLayout.RECORD_LENGTH_OFFSET);
                    String name = "s" + slot + "r" + record++;
                    seed.fields.add(new Field(name + ".length", base + StoragePageLayout.RECORD_LENGTH_OFFSET, 4));
                    seed.fields.add(new Field(name + ".type", base + StoragePageLayout.RECORD_TYPE_OFFSET, 4));
                    seed.fields.add(new Field(name + ".type", base + StoragePageLayout.RECORD_TYPE_OFFSET, 1));
                    seed.fields.add(new Field(name + ".version", base + StoragePageLayout.RECORD_VERSION_OFFSET, 8));
                    seed.fields.add(new Field(name + ".crc", base + StoragePageLayout.RECORD_CRC_OFFSET, 4));
                    seed.fields.add(new Field(name + ".payload", base + StoragePageLayout.RECORD_HEADER_LENGTH, 1));
                    position += StoragePageLayout.frameLength(length);
                }
            }
            return seed;
        }

        private void record(SharedMemory memory) {
            history.add(new StoreState(new TreeMap<>(memory.getAll()), memory.version()));
        }
    }

    /**
     * A published record of the ring seed.
     *
     * @param position its ring position
     * @param topic its topic
     * @param payload its payload
     */
    record RingMessage(long position, String topic, byte[] payload) {
        String text() {
            return topic + " " + new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** A pub/sub seed: the bytes, its fields, the published messages and the first intact record. */
    static final class RingSeed {
        byte[] bytes;
        final List<Field> fields = new ArrayList<>();
        final List<RingMessage> published = new ArrayList<>();
        final List<RingMessage> intact = new ArrayList<>();
        long startPosition;
        long startSequence;

        static RingSeed build(Path domain) throws IOException {
            RingSeed seed = new RingSeed();
            Random random = new Random(12);
            try (Comm comm = Comm.open(domain, OPTIONS)) {
                SharedMemory memory = comm.sharedMemory();
                memory.publish("warm", "up"); // creates the ring
                PubSubRing ring = PubSubRing.open(DomainDirectory.open(domain), RING_CAPACITY);
                try {
                    PubSubRing.Reader reader = ring.newReader();
                    for (int i = 0; i < 80; i++) {
                        String topic = i % 3 == 0 ? "t" : "topic-" + i;
                        Object data = i % 4 == 0 ? "" : i % 4 == 1 ? i : i % 4 == 2
                                ? Map.of("k", "v".repeat(random.nextInt(300))) : List.of(i, "x".repeat(random.nextInt(900)));
                        memory.publish(topic, data);
                        reader.poll(new PubSubRing.Sink() {
                            @Override
                            public void message(PubSubRing.Message message) {
                                seed.published.add(new RingMessage(message.position(), message.topic(), message.payload()));
                            }

                            @Override
                            public void missed(long count) {
                                throw new AssertionError("missed " + count);
                            }
                        }, 10);
                    }
                } finally {
                    ring.close();
                }
            }
            Path file = domain.resolve(PubSubRing.FILE_NAME);
            seed.bytes = Files.readAllBytes(file);
            ByteBuffer b = ByteBuffer.wrap(seed.bytes).order(ByteOrder.LITTLE_ENDIAN);
            long tail = b.getLong(PubSubLayout.TAIL_OFFSET);
            long next = b.getLong(PubSubLayout.NEXT_SEQUENCE_OFFSET);
            assertTrue(tail > 2 * RING_CAPACITY, "the seed must wrap the ring: tail=" + tail);
            for (int i = 0; i < seed.published.size(); i++) {
                RingMessage m = seed.published.get(i);
                if (m.position() >= tail - RING_CAPACITY) {
                    seed.intact.add(m);
                }
            }
            seed.startPosition = seed.intact.get(0).position();
            seed.startSequence = next - seed.intact.size();
            seed.fields.addAll(List.of(
                    new Field("magic", PubSubLayout.MAGIC_OFFSET, 8),
                    new Field("version", PubSubLayout.VERSION_WORD_OFFSET, 4),
                    new Field("headerLength", PubSubLayout.HEADER_LENGTH_OFFSET, 4),
                    new Field("capacity", PubSubLayout.CAPACITY_OFFSET, 4),
                    new Field("maxPayload", PubSubLayout.MAX_PAYLOAD_OFFSET, 4),
                    new Field("claim", PubSubLayout.CLAIM_OFFSET, 8),
                    new Field("claim", PubSubLayout.CLAIM_OFFSET, 8),
                    new Field("tail", PubSubLayout.TAIL_OFFSET, 8),
                    new Field("tail", PubSubLayout.TAIL_OFFSET, 8),
                    new Field("nextSequence", PubSubLayout.NEXT_SEQUENCE_OFFSET, 8)));
            for (int offset = 0; offset < RING_CAPACITY; offset += PubSubLayout.RECORD_ALIGNMENT) {
                int base = PubSubLayout.HEADER_LENGTH + offset;
                long tag = b.getLong(base);
                if (tag > 0 && ((tag - 1) & (RING_CAPACITY - 1)) == offset) {
                    seed.fields.add(new Field("tag@" + offset, base, 8));
                    seed.fields.add(new Field("length@" + offset, base + PubSubLayout.RECORD_LENGTH_OFFSET, 4));
                    seed.fields.add(new Field("topicLength@" + offset, base + PubSubLayout.RECORD_TOPIC_LENGTH_OFFSET, 4));
                    seed.fields.add(new Field("sequence@" + offset, base + PubSubLayout.RECORD_SEQUENCE_OFFSET, 8));
                }
            }
            return seed;
        }

        /**
         * A message is valid if it was published (the probe included), or if it was read at the
         * position of a published record from what the file now holds there: format 1.0 has no
         * checksum on pub/sub records, so their topic length, payload length and bytes are as
         * trustworthy as the file; only the framing (tag, lengths within the ring) is checked.
         */
        boolean accepts(RingMessage message, byte[] mutated) {
            if (message.text().equals("fuzz " + new String(PROBE, StandardCharsets.US_ASCII))) {
                return true;
            }
            for (RingMessage m : published) {
                if (m.text().equals(message.text())) {
                    return true;
                }
            }
            if (published.stream().noneMatch(m -> m.position() == message.position())) {
                return false;
            }
            int base = PubSubLayout.HEADER_LENGTH + (int) (message.position() & (RING_CAPACITY - 1))
                    + PubSubLayout.RECORD_HEADER_LENGTH;
            for (int topicLength = 0; base + topicLength + message.payload().length <= mutated.length
                    && topicLength <= PubSubLayout.maxPayloadFor(RING_CAPACITY); topicLength++) {
                int payloadAt = base + topicLength;
                if (new String(mutated, base, topicLength, StandardCharsets.UTF_8).equals(message.topic())
                        && Arrays.equals(mutated, payloadAt, payloadAt + message.payload().length, message.payload(), 0,
                        message.payload().length)) {
                    return true;
                }
            }
            return false;
        }
    }
}
