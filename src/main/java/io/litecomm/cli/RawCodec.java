package io.litecomm.cli;

import io.litecomm.codec.Codec;
import io.litecomm.codec.Codecs;

/**
 * Passes payloads through unchanged under a channel's recorded descriptor, so the tool can send
 * and receive on a channel of any type, including types whose classes it does not have.
 *
 * <p>On a domain whose files the tool cannot read ({@code redis://}), {@link #learning()} makes a
 * codec that learns the descriptor from the channel itself: opening a channel asks the codec
 * whether it {@linkplain Codec#accepts accepts} the recorded type, and this one accepts any and
 * keeps it.
 */
final class RawCodec implements Codec<byte[]> {

    private volatile String descriptor;
    private final boolean learning;

    RawCodec(String descriptor) {
        this(descriptor, false);
    }

    private RawCodec(String descriptor, boolean learning) {
        this.descriptor = descriptor;
        this.learning = learning;
    }

    /**
     * A codec for an existing channel of unknown type: it takes the type recorded in the channel.
     * Open the channel with {@code comm.getChannel(name)} first, so that {@code comm.channel(name,
     * codec)} finds it and never creates one (until it has learnt, it says {@code bytes}).
     *
     * @return the codec
     */
    static RawCodec learning() {
        return new RawCodec(Codecs.BYTES, true);
    }

    @Override
    public String descriptor() {
        return descriptor;
    }

    @Override
    public boolean accepts(String recordedDescriptor) {
        if (learning) {
            descriptor = recordedDescriptor;
            return true;
        }
        return Codec.super.accepts(recordedDescriptor);
    }

    @Override
    public byte[] encode(byte[] value) {
        return value;
    }

    @Override
    public byte[] decode(byte[] data) {
        return data;
    }
}
