package io.litecomm.mapped.inspect;

/**
 * Byte layout of the pub/sub broadcast ring {@code pubsub.ring}, format version
 * {@value #FORMAT_MAJOR}.{@value #FORMAT_MINOR}. Little-endian.
 *
 * <pre>
 *    0 magic "LCPUBSUB" (long)   8 version word (int)   12 header length (int) = 4096
 *   16 capacity (int, power of two)   20 maximum payload (int)
 *  128 claim (long): end of the region a publisher is writing; stored before the bytes
 *  256 tail (long): end of the last complete record; stored with release after the bytes
 *  384 next sequence (long): sequence number of the next record
 * 4096 ring
 *
 * record at ring offset (position &amp; (capacity - 1)), 32-byte aligned:
 *   0 tag = position + 1 (long)   8 payload length (int)   12 topic length (int, -1 = padding)
 *  16 sequence (long)             24 topic (UTF-8)  then payload (JSON)
 * </pre>
 *
 * <p>Publishers hold the file lock, so records are written one at a time in sequence order.
 * Subscribers never write: each keeps its own position, copies a record, then checks the claim
 * has not come within one capacity of it; if it has, the subscriber was lapped, resumes at the tail
 * and counts the sequence numbers it skipped.
 */
public final class PubSubLayout {

    /** "LCPUBSUB" as a little-endian long. */
    public static final long MAGIC = 0x425553425550434CL;
    /** Major format version. */
    public static final int FORMAT_MAJOR = 1;
    /** Minor format version. */
    public static final int FORMAT_MINOR = 0;

    /** Offset of the magic. */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the version word. */
    public static final int VERSION_WORD_OFFSET = MAGIC_OFFSET + Long.BYTES;
    /** Offset of the header length. */
    public static final int HEADER_LENGTH_OFFSET = VERSION_WORD_OFFSET + Integer.BYTES;
    /** Offset of the capacity. */
    public static final int CAPACITY_OFFSET = HEADER_LENGTH_OFFSET + Integer.BYTES;
    /** Offset of the maximum payload. */
    public static final int MAX_PAYLOAD_OFFSET = CAPACITY_OFFSET + Integer.BYTES;
    /** Offset of the claim position. */
    public static final int CLAIM_OFFSET = 128;
    /** Offset of the tail position. */
    public static final int TAIL_OFFSET = CLAIM_OFFSET + 128;
    /** Offset of the next sequence number. */
    public static final int NEXT_SEQUENCE_OFFSET = TAIL_OFFSET + 128;
    /** Length of the header. */
    public static final int HEADER_LENGTH = 4096;

    /** Offset of a record's tag. */
    public static final int RECORD_TAG_OFFSET = 0;
    /** Offset of a record's payload length. */
    public static final int RECORD_LENGTH_OFFSET = RECORD_TAG_OFFSET + Long.BYTES;
    /** Offset of a record's topic length. */
    public static final int RECORD_TOPIC_LENGTH_OFFSET = RECORD_LENGTH_OFFSET + Integer.BYTES;
    /** Offset of a record's sequence number. */
    public static final int RECORD_SEQUENCE_OFFSET = RECORD_TOPIC_LENGTH_OFFSET + Integer.BYTES;
    /** Length of a record header. */
    public static final int RECORD_HEADER_LENGTH = RECORD_SEQUENCE_OFFSET + Long.BYTES;
    /**
     * Every record starts on a multiple of this, larger than a record header, so the space left
     * before the ring's end is either zero or room for a padding header.
     */
    public static final int RECORD_ALIGNMENT = 32;
    /** Topic length that marks padding. */
    public static final int PADDING = -1;

    /** Default ring capacity (1 MiB). */
    public static final int DEFAULT_CAPACITY = 1 << 20;

    private PubSubLayout() {
    }

    /**
     * Frame length of a record.
     *
     * @param topicLength topic bytes
     * @param payloadLength payload bytes
     * @return bytes the record takes
     */
    public static int frameLength(int topicLength, int payloadLength) {
        return (RECORD_HEADER_LENGTH + topicLength + payloadLength + RECORD_ALIGNMENT - 1) & -RECORD_ALIGNMENT;
    }

    /**
     * Largest payload for a capacity: a quarter of the ring.
     *
     * @param capacity ring capacity
     * @return bytes
     */
    public static int maxPayloadFor(int capacity) {
        return capacity / 4;
    }
}
