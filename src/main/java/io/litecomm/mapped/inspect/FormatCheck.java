package io.litecomm.mapped.inspect;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The checks every litecomm file format starts with: a magic long at offset 0 and a version word
 * (major &lt;&lt; 16 | minor) at offset 8, both little-endian. Any other major version is refused,
 * older or newer; minor versions are additive.
 */
public final class FormatCheck {

    /** Offset of the magic in every format. */
    public static final int MAGIC_OFFSET = 0;
    /** Offset of the version word in every format. */
    public static final int VERSION_OFFSET = 8;

    private FormatCheck() {
    }

    /**
     * Checks magic and major version.
     *
     * @param header the file's first bytes, at least 12
     * @param magic the expected magic
     * @param major the supported major version
     * @param where the file, for messages
     * @return the version word
     * @throws CorruptFormatException naming expected and actual values and the file
     */
    public static int magicAndVersion(ByteBuffer header, long magic, int major, String where) {
        ByteBuffer b = header.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long actual = b.getLong(MAGIC_OFFSET);
        if (actual != magic) {
            throw new CorruptFormatException(where, "bad magic: expected=0x" + Long.toHexString(magic)
                    + " actual=0x" + Long.toHexString(actual));
        }
        int version = b.getInt(VERSION_OFFSET);
        if (version >>> 16 != major) {
            throw new CorruptFormatException(where, "unsupported format version: file=" + (version >>> 16) + "."
                    + (version & 0xFFFF) + " supported=" + major + ".x");
        }
        return version;
    }
}
