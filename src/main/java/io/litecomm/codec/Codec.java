package io.litecomm.codec;

/**
 * Turns channel payloads into bytes and back.
 *
 * <p>The {@link #descriptor()} is recorded in a channel's header when the channel is created; a
 * later open checks it with {@link #accepts(String)} and fails with
 * {@code ChannelTypeException} naming both descriptors when it does not match. Implementations
 * must be thread-safe.
 *
 * <pre>{@code
 * Codec<Instant> instants = new Codec<>() {
 *     public String descriptor() { return "iso-instant"; }
 *     public byte[] encode(Instant value) { return value.toString().getBytes(UTF_8); }
 *     public Instant decode(byte[] data) { return Instant.parse(new String(data, UTF_8)); }
 * };
 * Channel<Instant> ticks = comm.channel("ticks", ChannelOptions.<Instant>builder().codec(instants).build());
 * }</pre>
 *
 * @param <T> payload type
 */
public interface Codec<T> {

    /**
     * Names the payload type and encoding, e.g. {@code json:java.lang.String} or {@code bytes}.
     * At most 448 UTF-8 bytes.
     *
     * @return the descriptor
     */
    String descriptor();

    /**
     * Encodes a value.
     *
     * @param value the value, never {@code null}
     * @return its bytes
     * @throws IllegalArgumentException if the value cannot be encoded
     */
    byte[] encode(T value);

    /**
     * Decodes bytes written by {@link #encode}.
     *
     * @param data the bytes
     * @return the value
     * @throws IllegalArgumentException if the bytes are not a valid encoding
     */
    T decode(byte[] data);

    /**
     * Whether this codec can read and write a channel created with {@code recordedDescriptor}.
     * The default is equality.
     *
     * @param recordedDescriptor the descriptor in the channel's header
     * @return {@code true} if compatible
     */
    default boolean accepts(String recordedDescriptor) {
        return descriptor().equals(recordedDescriptor);
    }
}
