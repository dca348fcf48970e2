package io.litecomm.mapped.inspect;

import java.nio.charset.StandardCharsets;

/**
 * Byte layout of a mailbox file, format version {@value #FORMAT_MAJOR}.{@value #FORMAT_MINOR}.
 *
 * <p>All integers are little-endian. The file is a fixed header followed by a ring of
 * capacity bytes ({@link #CAPACITY_OFFSET}). {@code docs/FORMAT.md} is the prose version of this class.
 *
 * <pre>
 *   0                   8         12        16        20        24        28        32
 *   +-------------------+---------+---------+---------+---------+---------+---------+
 *   | magic "LCMAILBX"  | version | hdr len | capacity| max msg | type len| flags   |
 *   +-------------------+---------+---------+---------+---------+---------+---------+
 *  32 created (epoch ms, long) | 40..63 reserved (zero)
 *  64 type descriptor, UTF-8, {@value #TYPE_DESCRIPTOR_MAX} bytes, zero padded
 * 512 tail: next claim position (long); bit 63 = closed          [own 128-byte block]
 * 640 head: next position to consume (long)                      [own 128-byte block]
 * 768 sleeper mask (int): bit i set while bell slot i is taken   [own 256-byte block]
 * 1024 producer table: 48 slots of 128 bytes, one per producing process (see below)
 * 7168 bell table: 16 slots of 64 bytes, each the doorbell id (long) of a sleeping receiver
 * 8192 ring: records, each 16-byte aligned
 *
 *   record at ring offset (position &amp; (capacity - 1)):
 *   0                   8         12        16
 *   +-------------------+---------+---------+----------------------------+
 *   | tag = position+1  | length  | check   | payload (length bytes)     |
 *   +-------------------+---------+---------+----------------------------+
 *   the frame takes align16(16 + length) bytes; the tag is written last, with release;
 *   tags start at 1 so that zero-filled memory is never a committed record; the check word holds
 *   the record type in its low byte and a hash of position and length in the upper three, so the
 *   stale bytes of an old payload never pass for a record
 *
 *   producer slot i at 1024 + 128 * i, owned by the process holding the FileLock on byte
 *   2^40 + i of the file:
 *   0 owner pid (long, informative) | 8 reserved | 16 seven claim entries of 16 bytes:
 *   start position (long), end position (long; 0 = empty), written before the claim's CAS
 *   and cleared after its commit, so a consumer can find and pad the claim of a dead producer
 * </pre>
 */
public final class MailboxLayout {

    /** "LCMAILBX" read as a little-endian long. */
    public static final long MAGIC = 0x58424C49414D434CL;
    /** Major format version; a reader refuses any other major version. */
    public static final int FORMAT_MAJOR = 1;
    /** Minor format version; additions a version-1.0 reader may ignore. */
    public static final int FORMAT_MINOR = 0;

    /** Offset of the magic number (long). */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the version word (int: major &lt;&lt; 16 | minor). */
    public static final int VERSION_OFFSET = MAGIC_OFFSET + Long.BYTES;
    /** Offset of the header length (int), always {@link #HEADER_LENGTH}. */
    public static final int HEADER_LENGTH_OFFSET = VERSION_OFFSET + Integer.BYTES;
    /** Offset of the ring capacity in bytes (int, a power of two). */
    public static final int CAPACITY_OFFSET = HEADER_LENGTH_OFFSET + Integer.BYTES;
    /** Offset of the maximum payload length in bytes (int). */
    public static final int MAX_MESSAGE_OFFSET = CAPACITY_OFFSET + Integer.BYTES;
    /** Offset of the type descriptor's length in bytes (int). */
    public static final int TYPE_LENGTH_OFFSET = MAX_MESSAGE_OFFSET + Integer.BYTES;
    /** Offset of the flags word (int, zero in version 1.0). */
    public static final int FLAGS_OFFSET = TYPE_LENGTH_OFFSET + Integer.BYTES;
    /** Offset of the creation time in epoch milliseconds (long, informative only). */
    public static final int CREATED_OFFSET = FLAGS_OFFSET + Integer.BYTES;
    /** Offset of the UTF-8 type descriptor. */
    public static final int TYPE_DESCRIPTOR_OFFSET = 64;
    /** Room for the type descriptor in bytes. */
    public static final int TYPE_DESCRIPTOR_MAX = 448;
    /** Offset of the tail (claim) position; bit 63 is the closed flag. */
    public static final int TAIL_OFFSET = TYPE_DESCRIPTOR_OFFSET + TYPE_DESCRIPTOR_MAX;
    /** Offset of the head (consume) position. */
    public static final int HEAD_OFFSET = TAIL_OFFSET + 128;
    /** Offset of the producer table. */
    public static final int PRODUCERS_OFFSET = 1024;
    /** Producer slots: the most processes that may send on one channel at once. */
    public static final int PRODUCER_SLOTS = 48;
    /** Bytes of one producer slot. */
    public static final int PRODUCER_SLOT_LENGTH = 128;
    /** Offset of the owner's pid within a producer slot. */
    public static final int PRODUCER_PID_OFFSET = 0;
    /** Offset of the first claim entry within a producer slot. */
    public static final int PRODUCER_CLAIMS_OFFSET = 16;
    /** Claim entries per slot: sends in flight at once from one process. */
    public static final int CLAIM_ENTRIES = 7;
    /** Bytes of one claim entry: start and end positions. */
    public static final int CLAIM_ENTRY_LENGTH = 16;

    /** Offset of the sleeper mask (int). */
    public static final int SLEEPER_MASK_OFFSET = 768;
    /** Offset of the bell table. */
    public static final int BELLS_OFFSET = 7168;
    /** Slots of the bell table: receivers that can sleep on one channel at once. */
    public static final int BELL_SLOTS = 16;
    /** Bytes of a bell slot (one cache line). */
    public static final int BELL_SLOT_LENGTH = 64;

    /** Length of the header; the ring starts here. */
    public static final int HEADER_LENGTH = 8192;

    /** Closed flag in the tail word. */
    public static final long CLOSED_BIT = 1L << 63;

    /** Offset of the record's tag ({@link #tagOf(long)} of its position) within a record. */
    public static final int RECORD_TAG_OFFSET = 0;
    /** Offset of the record's payload length within a record. */
    public static final int RECORD_LENGTH_OFFSET = RECORD_TAG_OFFSET + Long.BYTES;
    /** Offset of the record's check word (type in the low byte, hash above) within a record. */
    public static final int RECORD_TYPE_OFFSET = RECORD_LENGTH_OFFSET + Integer.BYTES;
    /** Length of a record header; the payload follows. */
    public static final int RECORD_HEADER_LENGTH = RECORD_TYPE_OFFSET + Integer.BYTES;
    /** Every record starts on a multiple of this. */
    public static final int RECORD_ALIGNMENT = 16;

    /** Record type of a message. */
    public static final int TYPE_MESSAGE = 1;
    /** Record type of padding: skipped by consumers. */
    public static final int TYPE_PADDING = 2;

    /** Smallest ring capacity. */
    public static final int MIN_CAPACITY = 4096;
    /** Largest ring capacity (1 GiB). */
    public static final int MAX_CAPACITY = 1 << 30;

    private MailboxLayout() {
    }

    /**
     * Version word for a major and minor version.
     *
     * @param major major version
     * @param minor minor version
     * @return the word stored at {@link #VERSION_OFFSET}
     */
    public static int versionWord(int major, int minor) {
        return major << 16 | minor;
    }

    /**
     * Offset of a bell slot's doorbell id.
     *
     * @param slot 0 to {@link #BELL_SLOTS} - 1
     * @return header offset
     */
    public static int bellOffset(int slot) {
        return BELLS_OFFSET + slot * BELL_SLOT_LENGTH;
    }

    /**
     * Offset of a producer slot.
     *
     * @param slot 0 to {@link #PRODUCER_SLOTS} - 1
     * @return header offset
     */
    public static int producerSlotOffset(int slot) {
        return PRODUCERS_OFFSET + slot * PRODUCER_SLOT_LENGTH;
    }

    /**
     * Offset of a claim entry's start position.
     *
     * @param slot producer slot
     * @param entry 0 to {@link #CLAIM_ENTRIES} - 1
     * @return header offset
     */
    public static int claimStartOffset(int slot, int entry) {
        return producerSlotOffset(slot) + PRODUCER_CLAIMS_OFFSET + entry * CLAIM_ENTRY_LENGTH;
    }

    /**
     * Offset of a claim entry's end position.
     *
     * @param slot producer slot
     * @param entry claim entry
     * @return header offset
     */
    public static int claimEndOffset(int slot, int entry) {
        return claimStartOffset(slot, entry) + Long.BYTES;
    }

    /**
     * The tag that marks a record at {@code position} committed: the position plus one, so that
     * zero-filled memory never passes for a record.
     *
     * @param position the record's position
     * @return its tag
     */
    public static long tagOf(long position) {
        return position + 1;
    }

    /**
     * The check word of a record: its type in the low byte, a hash of its position and length in the
     * upper 24 bits.
     *
     * @param type {@link #TYPE_MESSAGE} or {@link #TYPE_PADDING}
     * @param position the record's position
     * @param length the record's length field
     * @return the word stored at {@link #RECORD_TYPE_OFFSET}
     */
    public static int checkWord(int type, long position, int length) {
        long mix = (position + 1) * 0x9E3779B97F4A7C15L ^ (length * 0xC2B2AE3D27D4EB4FL);
        return (int) (mix >>> 32) & ~0xFF | type & 0xFF;
    }

    /**
     * The record type in a check word.
     *
     * @param checkWord the word at {@link #RECORD_TYPE_OFFSET}
     * @return the type
     */
    public static int typeOf(int checkWord) {
        return checkWord & 0xFF;
    }

    /**
     * Frame length of a record carrying {@code payloadLength} bytes.
     *
     * @param payloadLength payload bytes
     * @return bytes the record takes in the ring
     */
    public static int frameLength(int payloadLength) {
        return align(RECORD_HEADER_LENGTH + payloadLength, RECORD_ALIGNMENT);
    }

    /**
     * Largest payload a ring of the given capacity can carry: a frame may take at most half the ring,
     * so a frame that does not fit before the ring's end always fits after padding.
     *
     * @param capacity ring capacity
     * @return the largest allowed maximum message length
     */
    public static int maxPayloadFor(int capacity) {
        return capacity / 2 - RECORD_HEADER_LENGTH;
    }

    /**
     * File offset of the record at a ring offset.
     *
     * @param ringOffset offset within the ring
     * @return offset within the file
     */
    public static int recordOffset(int ringOffset) {
        return HEADER_LENGTH + ringOffset;
    }

    /**
     * Total file length for a ring capacity.
     *
     * @param capacity ring capacity
     * @return file length in bytes
     */
    public static long fileLength(int capacity) {
        return (long) HEADER_LENGTH + capacity;
    }

    /**
     * Checks a type descriptor fits the header.
     *
     * @param descriptor the descriptor
     * @return its UTF-8 bytes
     * @throws IllegalArgumentException if it is too long
     */
    public static byte[] encodeDescriptor(String descriptor) {
        byte[] bytes = descriptor.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > TYPE_DESCRIPTOR_MAX) {
            throw new IllegalArgumentException("type descriptor too long: bytes=" + bytes.length
                    + " max=" + TYPE_DESCRIPTOR_MAX + " descriptor=" + descriptor);
        }
        return bytes;
    }

    /**
     * Rounds {@code value} up to a multiple of {@code alignment}, a power of two.
     *
     * @param value the value
     * @param alignment power of two
     * @return the aligned value
     */
    public static int align(int value, int alignment) {
        return (value + alignment - 1) & -alignment;
    }
}
