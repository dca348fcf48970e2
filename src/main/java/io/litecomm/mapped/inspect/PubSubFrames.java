package io.litecomm.mapped.inspect;

import static io.litecomm.mapped.inspect.PubSubLayout.HEADER_LENGTH;
import static io.litecomm.mapped.inspect.PubSubLayout.PADDING;
import static io.litecomm.mapped.inspect.PubSubLayout.RECORD_ALIGNMENT;
import static io.litecomm.mapped.inspect.PubSubLayout.RECORD_HEADER_LENGTH;
import static io.litecomm.mapped.inspect.PubSubLayout.RECORD_LENGTH_OFFSET;
import static io.litecomm.mapped.inspect.PubSubLayout.RECORD_SEQUENCE_OFFSET;
import static io.litecomm.mapped.inspect.PubSubLayout.RECORD_TAG_OFFSET;
import static io.litecomm.mapped.inspect.PubSubLayout.RECORD_TOPIC_LENGTH_OFFSET;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The one reader of the pub/sub ring's header and frames ({@link PubSubLayout}), for the ring
 * itself and for {@code litecomm check}: the header rules, the rule a tail or record position
 * keeps (never negative, {@value PubSubLayout#RECORD_ALIGNMENT}-byte aligned), and the frame at a
 * position with the rules of its lengths.
 */
public final class PubSubFrames {

    /** Smallest ring capacity. */
    public static final int MIN_CAPACITY = 4096;
    /** Largest ring capacity. */
    public static final int MAX_CAPACITY = 1 << 30;

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private PubSubFrames() {
    }

    /**
     * The fixed header fields of a valid ring.
     *
     * @param capacity ring bytes
     * @param maxPayload largest payload (and topic)
     */
    public record Header(int capacity, int maxPayload) {
    }

    /**
     * Checks a ring file's length before it is mapped.
     *
     * @param size the file's length
     * @param where the file, for messages
     * @throws CorruptFormatException if no ring can have that length
     */
    public static void checkLength(long size, String where) {
        if (size < HEADER_LENGTH) {
            throw new CorruptFormatException(where, (size == 0 ? "empty file" : "truncated header") + ": length=" + size);
        }
        if (size > HEADER_LENGTH + (long) MAX_CAPACITY) {
            throw new CorruptFormatException(where, "wrong length: length=" + size + " max="
                    + (HEADER_LENGTH + (long) MAX_CAPACITY));
        }
    }

    /**
     * Validates the header of a mapped ring.
     *
     * @param file the mapping, from offset 0
     * @param size the file's length
     * @param where the file, for messages
     * @return the header
     * @throws CorruptFormatException naming the file and what is wrong
     */
    public static Header checkHeader(ByteBuffer file, long size, String where) {
        ByteBuffer b = file.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        FormatCheck.magicAndVersion(b, PubSubLayout.MAGIC, PubSubLayout.FORMAT_MAJOR, where);
        int headerLength = b.getInt(PubSubLayout.HEADER_LENGTH_OFFSET);
        int capacity = b.getInt(PubSubLayout.CAPACITY_OFFSET);
        int maxPayload = b.getInt(PubSubLayout.MAX_PAYLOAD_OFFSET);
        if (headerLength != HEADER_LENGTH || capacity < MIN_CAPACITY || capacity > MAX_CAPACITY
                || Integer.bitCount(capacity) != 1 || size != (long) HEADER_LENGTH + capacity || maxPayload < 0
                || maxPayload > PubSubLayout.maxPayloadFor(capacity)) {
            throw new CorruptFormatException(where, "impossible header: headerLength=" + headerLength + " capacity="
                    + capacity + " maxPayload=" + maxPayload + " length=" + size);
        }
        return new Header(capacity, maxPayload);
    }

    /**
     * Whether a value read from the file can be a record position (the tail, the claim): never
     * negative and {@value PubSubLayout#RECORD_ALIGNMENT}-byte aligned.
     *
     * @param position the value
     * @return {@code true} if it can
     */
    public static boolean isPosition(long position) {
        return position >= 0 && (position & (RECORD_ALIGNMENT - 1)) == 0;
    }

    /**
     * What is wrong with the counters, or {@code null}.
     *
     * @param claim the claim word
     * @param tail the tail word
     * @param nextSequence the next sequence number
     * @param capacity ring capacity
     * @return the problem ({@code "impossible counters: ..."}), or {@code null}
     */
    public static String countersProblem(long claim, long tail, long nextSequence, int capacity) {
        if (!isPosition(tail) || !isPosition(claim) || claim < tail || claim - tail > 2L * capacity || nextSequence < 0) {
            return "impossible counters: claim=" + claim + " tail=" + tail + " nextSequence=" + nextSequence
                    + " capacity=" + capacity;
        }
        return null;
    }

    /**
     * One frame as found in the ring.
     *
     * @param position the position read
     * @param tag the tag word (position + 1 in a written frame)
     * @param length the payload length (padding: bytes after the frame header)
     * @param topicLength the topic length, {@link PubSubLayout#PADDING} for padding
     * @param sequence the sequence number
     * @param frame bytes the frame takes, in long (lengths from the file may be anything)
     * @param sane whether tag and lengths keep the rules: padding fills the ring to its end, a
     *     record's lengths are at most the maximum payload and it ends before the ring's end
     */
    public record Frame(long position, long tag, int length, int topicLength, long sequence, long frame, boolean sane) {
        /**
         * Whether this is padding.
         *
         * @return {@code true} for padding
         */
        public boolean padding() {
            return topicLength == PADDING;
        }

        /**
         * Where the next frame starts.
         *
         * @return the position after this frame
         */
        public long next() {
            return position + frame;
        }
    }

    /**
     * Reads the frame at a position; the tag is read first, with acquire, as a live reader must.
     *
     * @param file the mapping, from offset 0
     * @param position a record position
     * @param header the ring's header
     * @return the frame
     */
    public static Frame frame(ByteBuffer file, long position, Header header) {
        int capacity = header.capacity();
        int offset = (int) (position & (capacity - 1));
        int base = HEADER_LENGTH + offset;
        long tag = (long) LONGS.getAcquire(file, base + RECORD_TAG_OFFSET);
        ByteBuffer b = file.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int length = b.getInt(base + RECORD_LENGTH_OFFSET);
        int topicLength = b.getInt(base + RECORD_TOPIC_LENGTH_OFFSET);
        long sequence = b.getLong(base + RECORD_SEQUENCE_OFFSET);
        boolean padding = topicLength == PADDING;
        long frame = padding ? RECORD_HEADER_LENGTH + (long) length
                : (RECORD_HEADER_LENGTH + (long) topicLength + length + RECORD_ALIGNMENT - 1) & -RECORD_ALIGNMENT;
        int max = header.maxPayload();
        boolean sane = tag == position + 1 && length >= 0 && (padding ? offset + frame == capacity
                : topicLength >= 0 && topicLength <= max && length <= max && offset + frame <= capacity);
        return new Frame(position, tag, length, topicLength, sequence, frame, sane);
    }

    /**
     * Copies a frame's topic bytes.
     *
     * @param file the mapping
     * @param frame a sane record frame
     * @param header the ring's header
     * @return the topic's UTF-8 bytes
     */
    public static byte[] topic(ByteBuffer file, Frame frame, Header header) {
        byte[] topic = new byte[frame.topicLength()];
        file.get(payloadBase(frame, header) - frame.topicLength(), topic);
        return topic;
    }

    /**
     * Copies a frame's payload bytes.
     *
     * @param file the mapping
     * @param frame a sane record frame
     * @param header the ring's header
     * @return the payload
     */
    public static byte[] payload(ByteBuffer file, Frame frame, Header header) {
        byte[] payload = new byte[frame.length()];
        file.get(payloadBase(frame, header), payload);
        return payload;
    }

    private static int payloadBase(Frame frame, Header header) {
        return HEADER_LENGTH + (int) (frame.position() & (header.capacity() - 1)) + RECORD_HEADER_LENGTH + frame.topicLength();
    }
}
