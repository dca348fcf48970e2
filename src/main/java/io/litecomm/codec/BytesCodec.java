package io.litecomm.codec;

/** Raw bytes: what is sent is what is received. */
final class BytesCodec implements Codec<byte[]> {

    @Override
    public String descriptor() {
        return Codecs.BYTES;
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
