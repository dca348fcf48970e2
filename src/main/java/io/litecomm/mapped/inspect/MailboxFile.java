package io.litecomm.mapped.inspect;

import static io.litecomm.mapped.inspect.MailboxLayout.CAPACITY_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.CLOSED_BIT;
import static io.litecomm.mapped.inspect.MailboxLayout.CREATED_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.HEADER_LENGTH;
import static io.litecomm.mapped.inspect.MailboxLayout.HEADER_LENGTH_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.HEAD_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.MAGIC;
import static io.litecomm.mapped.inspect.MailboxLayout.MAGIC_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.MAX_MESSAGE_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.TAIL_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.TYPE_DESCRIPTOR_MAX;
import static io.litecomm.mapped.inspect.MailboxLayout.TYPE_DESCRIPTOR_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.TYPE_LENGTH_OFFSET;
import static io.litecomm.mapped.inspect.MailboxLayout.VERSION_OFFSET;

import io.litecomm.spi.QueueSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Writes a new mailbox header and validates an existing one. Pure functions of bytes. */
public final class MailboxFile {

    private MailboxFile() {
    }

    /**
     * Writes the header of a new, zero-filled mailbox.
     *
     * @param channel the new file
     * @param spec type, capacity and maximum message length
     * @throws IOException on write failure
     */
    public static void writeHeader(FileChannel channel, QueueSpec spec) throws IOException {
        byte[] descriptor = MailboxLayout.encodeDescriptor(spec.typeDescriptor());
        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(MAGIC_OFFSET, MAGIC);
        header.putInt(VERSION_OFFSET, MailboxLayout.versionWord(MailboxLayout.FORMAT_MAJOR, MailboxLayout.FORMAT_MINOR));
        header.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
        header.putInt(CAPACITY_OFFSET, spec.capacity());
        header.putInt(MAX_MESSAGE_OFFSET, spec.maxMessageLength());
        header.putInt(TYPE_LENGTH_OFFSET, descriptor.length);
        header.putLong(CREATED_OFFSET, System.currentTimeMillis());
        header.put(TYPE_DESCRIPTOR_OFFSET, descriptor);
        while (header.hasRemaining()) {
            channel.write(header, header.position());
        }
    }

    /**
     * Checks a spec can make a valid mailbox.
     *
     * @param spec the spec
     * @throws IllegalArgumentException naming the bad value
     */
    public static void checkSpec(QueueSpec spec) {
        int capacity = spec.capacity();
        if (capacity < MailboxLayout.MIN_CAPACITY || capacity > MailboxLayout.MAX_CAPACITY
                || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two in [" + MailboxLayout.MIN_CAPACITY
                    + ", " + MailboxLayout.MAX_CAPACITY + "]: capacity=" + capacity);
        }
        int max = spec.maxMessageLength();
        if (max < 0 || max > MailboxLayout.maxPayloadFor(capacity)) {
            throw new IllegalArgumentException("maximum message length must be in [0, "
                    + MailboxLayout.maxPayloadFor(capacity) + "] for capacity " + capacity + ": max=" + max);
        }
        if (spec.typeDescriptor().isEmpty()) {
            throw new IllegalArgumentException("type descriptor must not be empty");
        }
        MailboxLayout.encodeDescriptor(spec.typeDescriptor());
    }

    /**
     * Validates the header of a mapped mailbox against the file's length.
     *
     * @param buffer the mapping, from offset 0, at least {@code min(fileLength, HEADER_LENGTH)} long
     * @param fileLength the file's length
     * @param file the file, for messages
     * @return the header
     * @throws CorruptFormatException naming the file and what is wrong
     */
    public static MailboxHeader validate(ByteBuffer buffer, long fileLength, Path file) {
        MailboxHeader header = validateFixed(buffer, fileLength, file);
        checkCounters(buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN), header.capacity(), file.toString());
        return header;
    }

    /**
     * Validates the fixed fields of a mailbox header against the file's length, but not the head
     * and tail counters: what salvaging a file with damaged counters needs.
     *
     * @param buffer the mapping, from offset 0, at least {@code min(fileLength, HEADER_LENGTH)} long
     * @param fileLength the file's length
     * @param file the file, for messages
     * @return the header
     * @throws CorruptFormatException naming the file and what is wrong
     */
    public static MailboxHeader validateFixed(ByteBuffer buffer, long fileLength, Path file) {
        String where = file.toString();
        if (fileLength == 0) {
            throw new CorruptFormatException(where, "empty file: length=0");
        }
        if (fileLength < HEADER_LENGTH) {
            throw new CorruptFormatException(where, "truncated header: length=" + fileLength
                    + " expected>=" + HEADER_LENGTH);
        }
        ByteBuffer b = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int version = FormatCheck.magicAndVersion(b, MAGIC, MailboxLayout.FORMAT_MAJOR, where);
        int headerLength = b.getInt(HEADER_LENGTH_OFFSET);
        if (headerLength != HEADER_LENGTH) {
            throw new CorruptFormatException(where, "bad header length: expected=" + HEADER_LENGTH
                    + " actual=" + headerLength);
        }
        int capacity = b.getInt(CAPACITY_OFFSET);
        if (capacity < MailboxLayout.MIN_CAPACITY || capacity > MailboxLayout.MAX_CAPACITY
                || Integer.bitCount(capacity) != 1) {
            throw new CorruptFormatException(where, "bad capacity: capacity=" + capacity);
        }
        long expectedLength = MailboxLayout.fileLength(capacity);
        if (fileLength != expectedLength) {
            throw new CorruptFormatException(where, (fileLength < expectedLength ? "truncated: " : "wrong length: ")
                    + "length=" + fileLength + " expected=" + expectedLength + " capacity=" + capacity);
        }
        int maxMessage = b.getInt(MAX_MESSAGE_OFFSET);
        if (maxMessage < 0 || maxMessage > MailboxLayout.maxPayloadFor(capacity)) {
            throw new CorruptFormatException(where, "bad maximum message length: max=" + maxMessage
                    + " capacity=" + capacity);
        }
        String descriptor = readDescriptor(b, where);
        return new MailboxHeader(version, capacity, maxMessage, descriptor);
    }

    private static String readDescriptor(ByteBuffer b, String where) {
        int typeLength = b.getInt(TYPE_LENGTH_OFFSET);
        if (typeLength <= 0 || typeLength > TYPE_DESCRIPTOR_MAX) {
            throw new CorruptFormatException(where, "bad type descriptor length: length=" + typeLength
                    + " max=" + TYPE_DESCRIPTOR_MAX);
        }
        ByteBuffer raw = b.slice(TYPE_DESCRIPTOR_OFFSET, typeLength);
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(raw);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new CorruptFormatException(where, "type descriptor is not UTF-8: length=" + typeLength, e);
        }
    }

    private static void checkCounters(ByteBuffer b, int capacity, String where) {
        String problem = MailboxDamage.counters(b.getLong(HEAD_OFFSET), b.getLong(TAIL_OFFSET) & ~CLOSED_BIT, capacity);
        if (problem != null) {
            throw new CorruptFormatException(where, problem);
        }
    }
}
