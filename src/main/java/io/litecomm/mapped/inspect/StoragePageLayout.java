package io.litecomm.mapped.inspect;

/**
 * Byte layout of the shared-memory page file {@code storage.page}, format version
 * {@value #FORMAT_MAJOR}.{@value #FORMAT_MINOR}. Little-endian.
 *
 * <pre>
 *   0 magic "LCSTORE1" (long)         8 version word (int)       12 header length (int) = 4096
 *  16 generation (long): bumped by each compaction; the active slot is generation &amp; 1;
 *     bit 62 ({@link #SEALED}) set: this file is being replaced, re-open {@code storage.page}
 *  24 file length (long): the length of this file, fixed when it is created
 *  32 slot 0 offset (long)  40 slot 0 length (long)  48 slot 0 log end (long)
 *  56 slot 1 offset (long)  64 slot 1 length (long)  72 slot 1 log end (long)
 *  80 version (long): version of the last committed change (a hint; records are authoritative)
 *  88 live bytes (long): estimated bytes the store's records would take compacted (a hint)
 *  96 .. 4095 reserved (zero)
 *
 * A slot is a log of records. Its first record is a SNAPSHOT of the whole store (a JSON object);
 * the following are SET ({"k":key,"v":value}) and DELETE ({"k":key}) changes. A record:
 *   0 payload length (int)   4 type (int)   8 version (long)   16 CRC-32C of the payload (int)
 *  20 reserved (int)        24 payload (JSON, UTF-8), the frame padded to 8 bytes
 * An append writes the record past the slot's log end, then publishes the new log end (release).
 * A compaction writes a SNAPSHOT into the inactive slot, sets its log end, then bumps the
 * generation (release). A compaction that would leave the file larger than
 * {@link #footprintBound(long)} instead writes a new file under a temporary name, seals this one
 * (sets {@link #SEALED}), then renames the new file over {@code storage.page}; peers that see the
 * seal re-open the name. A writer that dies before its publishing store (or its rename) leaves
 * nothing visible; the next writer unseals a sealed file still in place.
 * </pre>
 */
public final class StoragePageLayout {

    /** "LCSTORE1" as a little-endian long. */
    public static final long MAGIC = 0x3145524F5453434CL;
    /** Major format version. */
    public static final int FORMAT_MAJOR = 2;
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
    /** Offset of the live-bytes hint (long). */
    public static final int LIVE_BYTES_OFFSET = STORE_VERSION_OFFSET + Long.BYTES;
    /** Length of the header. */
    public static final int HEADER_LENGTH = 4096;
    /** Generation bit set while (or after) the file is replaced by a compacted one. */
    public static final long SEALED = 1L << 62;
    /** Files of any store may take this much beyond twice its live bytes. */
    public static final long MIN_FOOTPRINT = 256 * 1024;
    /** Least free space a compaction leaves after its snapshot. */
    public static final int MIN_HEADROOM = 16 * 1024;

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
     * Largest file a store with {@code liveBytes} of records should keep after a compaction.
     *
     * @param liveBytes bytes of the compacted snapshot
     * @return bytes
     */
    public static long footprintBound(long liveBytes) {
        return 2 * liveBytes + MIN_FOOTPRINT;
    }

    /**
     * Length a slot needs to hold a snapshot frame and room for the changes after it.
     *
     * @param snapshotFrame bytes of the snapshot record
     * @return bytes, a multiple of 4096
     */
    public static long slotLengthFor(long snapshotFrame) {
        return (snapshotFrame + Math.max(snapshotFrame / 2, MIN_HEADROOM) + 4095) & -4096L;
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
