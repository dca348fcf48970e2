package io.litecomm.reliability;

import io.litecomm.ChannelOptions;
import io.litecomm.CommOptions;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.zip.CRC32C;

/**
 * The messages of the kill-under-load test: producer id, incarnation, sequence and a CRC-32C,
 * then a body whose length and bytes are fixed by those three, so a consumer can tell an intact
 * message from a damaged, truncated or mixed-up one on its own.
 *
 * <pre>
 *  0 producer (int)   4 incarnation (int)   8 sequence (long)   16 CRC-32C of bytes 0..15 and 20.. (int)
 * 20 body: pseudo-random bytes from (producer, incarnation, sequence)
 * </pre>
 */
final class LoadMessages {

    /** Header bytes; the smallest message. */
    static final int HEADER = 20;
    /** Channel of the test: a small ring so that producers block, wrap and pad all the time. */
    static final ChannelOptions CHANNEL = ChannelOptions.builder().capacity(1 << 16).maxMessageSize(2048).build();
    /** The recovery bound of every process of the test. */
    static final Duration BOUND = Duration.ofMillis(300);
    /** Producer id of the parent's final message. */
    static final int MARKER = 0xFFFF;

    private LoadMessages() {
    }

    /**
     * Options of every process of the test.
     *
     * @return options with the short recovery bound
     */
    static CommOptions options() {
        return CommOptions.builder().recoveryTimeout(BOUND).build();
    }

    private static long mix(int producer, int incarnation, long sequence) {
        long h = (producer * 0x9E3779B97F4A7C15L) ^ (incarnation * 0xC2B2AE3D27D4EB4FL) ^ (sequence * 0x165667B19E3779F9L);
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        return h ^ h >>> 29;
    }

    /**
     * The length of a message, from {@link #HEADER} to the channel's maximum.
     *
     * @param producer producer id
     * @param incarnation incarnation
     * @param sequence sequence
     * @return bytes
     */
    static int length(int producer, int incarnation, long sequence) {
        int span = CHANNEL.maxMessageSize() - HEADER + 1;
        return HEADER + (int) Math.floorMod(mix(producer, incarnation, sequence), (long) span);
    }

    /**
     * Builds a message.
     *
     * @param producer producer id
     * @param incarnation incarnation
     * @param sequence sequence
     * @return the bytes
     */
    static byte[] build(int producer, int incarnation, long sequence) {
        byte[] bytes = new byte[length(producer, incarnation, sequence)];
        long x = mix(producer, incarnation, sequence) | 1;
        for (int i = HEADER; i < bytes.length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            bytes[i] = (byte) x;
        }
        ByteBuffer.wrap(bytes).putInt(producer).putInt(incarnation).putLong(sequence);
        ByteBuffer.wrap(bytes).putInt(16, crc(bytes));
        return bytes;
    }

    private static int crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, 16);
        crc.update(bytes, HEADER, bytes.length - HEADER);
        return (int) crc.getValue();
    }

    /**
     * Whether a message is intact: its checksum and its length match its header.
     *
     * @param bytes the message
     * @return {@code true} if intact
     */
    static boolean intact(byte[] bytes) {
        if (bytes.length < HEADER) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int producer = b.getInt(0);
        if (producer == MARKER) {
            return bytes.length == HEADER;
        }
        return bytes.length == length(producer, b.getInt(4), b.getLong(8)) && b.getInt(16) == crc(bytes);
    }

    /**
     * The parent's final message.
     *
     * @param sequence its number
     * @return the bytes
     */
    static byte[] marker(long sequence) {
        byte[] bytes = new byte[HEADER];
        ByteBuffer.wrap(bytes).putInt(MARKER).putInt(0).putLong(sequence);
        return bytes;
    }

    /**
     * If {@code message} is the parent's marker, says {@code MARKER n} on standard output.
     *
     * @param message a received message
     * @return whether it was the marker (consumers then skip it)
     */
    static boolean reportMarker(byte[] message) {
        if (message.length != HEADER || !intact(message) || ByteBuffer.wrap(message).getInt(0) != MARKER) {
            return false;
        }
        ChildSupport.say("MARKER " + ByteBuffer.wrap(message).getLong(8));
        return true;
    }
}
