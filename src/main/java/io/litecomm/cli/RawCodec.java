package io.litecomm.cli;

import io.litecomm.codec.Codec;

/**
 * Passes payloads through unchanged under a channel's recorded descriptor, so the tool can send
 * and receive on a channel of any type, including types whose classes it does not have.
 */
final class RawCodec implements Codec<byte[]> {

    private final String descriptor;

    RawCodec(String descriptor) {
        this.descriptor = descriptor;
    }

    @Override
    public String descriptor() {
        return descriptor;
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
