package io.litecomm.storage;

/**
 * Byte layout of the shared-memory page file {@code storage.page}, format version
 * {@value #FORMAT_MAJOR}.{@value #FORMAT_MINOR}. Little-endian.
 *
 * <pre>
 *   0 magic "LCSTORE1" (long)         8 version word (int)       12 header length (int) = 4096
 *  16 generation (long): bumped by each compaction; the active slot is generation &amp; 1
 *  24 file length (long): the file never shrinks; readers remap when it grew
 *  32 slot 0 offset (long)  40 slot 0 length (long)  48 slot 0 log end (long)
 *  56 slot 1 offset (long)  64 slot 1 length (long)  72 slot 1 log end (long)
 *  80 version (long): version of the last committed change (a hint; records are authoritative)
 *  88 .. 4095 reserved (zero)
 *
 * A slot is a log of records. Its first record is a SNAPSHOT of the whole store (a JSON object);
 * the following are SET ({"k":key,"v":value}) and DELETE ({"k":key}) changes. A record:
 *   0 payload length (int)   4 type (int)   8 version (long)   16 CRC-32C of the payload (int)
 *  20 reserved (int)        24 payload (JSON, UTF-8), the frame padded to 8 bytes
 * An append writes the record past the slot's log end, then publishes the new log end (release).
 * A compaction writes a SNAPSHOT into the inactive slot, sets its log end, then bumps the
 * generation (release). A writer that dies before its publishing store leaves nothing visible.
 * </pre>
 */
public final class StoragePageLayout {

    /** "LCSTORE1" as a little-endian long. */
    public static final long MAGIC = 0x3145524F5453434CL;
    /** Major format version. */
    public static final int FORMAT_MAJOR = 1;
    /** Minor format version. */
    public static final int FORMAT_MINOR = 0;

    /** Offset of the magic (long). */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the version word (int). */
    public static final int VERSION_WORD_OFFSET = MAGIC_OFFSET + Long.BYTES;
    /** Offset of the header length (int). */
    public static final int HEADER_LENGTH_OFFSET = VERSION_WORD_OFFSET + Integer.BYTES;
    /** Offset of the generation (long). */
    public static final int GENERATION_OFFSET = HEADER_LENGTH_OFFSET + Integer.BYTES;
    /** Offset of the file length (long). */
    public static final int FILE_LENGTH_OFFSET = GENERATION_OFFSET + Long.BYTES;
    /** Offset of slot 0's descriptor: offset, length, log end (three longs). */
    public static final int SLOTS_OFFSET = FILE_LENGTH_OFFSET + Long.BYTES;
    /** Bytes of one slot descriptor. */
    public static final int SLOT_DESCRIPTOR_LENGTH = 3 * Long.BYTES;
    /** Offset of the committed version hint (long). */
    public static final int STORE_VERSION_OFFSET = SLOTS_OFFSET + 2 * SLOT_DESCRIPTOR_LENGTH;
    /** Length of the header. */
    public static final int HEADER_LENGTH = 4096;

    /** Offset of a record's payload length, relative to the record. */
    public static final int RECORD_LENGTH_OFFSET = 0;
    /** Offset of a record's type. */
    public static final int RECORD_TYPE_OFFSET = RECORD_LENGTH_OFFSET + Integer.BYTES;
    /** Offset of a record's version. */
    public static final int RECORD_VERSION_OFFSET = RECORD_TYPE_OFFSET + Integer.BYTES;
    /** Offset of a record's payload checksum. */
    public static final int RECORD_CRC_OFFSET = RECORD_VERSION_OFFSET + Long.BYTES;
    /** Length of a record header. */
    public static final int RECORD_HEADER_LENGTH = RECORD_CRC_OFFSET + 2 * Integer.BYTES;

    /** Record type: the whole store as a JSON object. */
    public static final int TYPE_SNAPSHOT = 1;
    /** Record type: one key set. */
    public static final int TYPE_SET = 2;
    /** Record type: one key deleted. */
    public static final int TYPE_DELETE = 3;

    /** Length of each slot of a new page. */
    public static final int INITIAL_SLOT_LENGTH = 64 * 1024;

    private StoragePageLayout() {
    }

    /**
     * Offset of a slot's offset field.
     *
     * @param slot 0 or 1
     * @return header offset
     */
    public static int slotOffsetField(int slot) {
        return SLOTS_OFFSET + slot * SLOT_DESCRIPTOR_LENGTH;
    }

    /**
     * Offset of a slot's length field.
     *
     * @param slot 0 or 1
     * @return header offset
     */
    public static int slotLengthField(int slot) {
        return slotOffsetField(slot) + Long.BYTES;
    }

    /**
     * Offset of a slot's log-end field.
     *
     * @param slot 0 or 1
     * @return header offset
     */
    public static int slotEndField(int slot) {
        return slotOffsetField(slot) + 2 * Long.BYTES;
    }

    /**
     * Frame length of a record.
     *
     * @param payloadLength payload bytes
     * @return bytes the record takes
     */
    public static int frameLength(int payloadLength) {
        return (RECORD_HEADER_LENGTH + payloadLength + 7) & -8;
    }
}
