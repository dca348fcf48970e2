package io.litecomm.testing;

import io.litecomm.codec.Codec;

/**
 * Puts raw bytes on a JSON channel (it records and accepts any {@code json:} descriptor), so a test
 * can send what no encoder would write: deep nesting, type hints, gadget names.
 */
public final class RawJsonCodec implements Codec<byte[]> {

    /** The one instance. */
    public static final RawJsonCodec INSTANCE = new RawJsonCodec();

    private RawJsonCodec() {
    }

    @Override
    public String descriptor() {
        return "json:any";
    }

    @Override
    public byte[] encode(byte[] value) {
        return value;
    }

    @Override
    public byte[] decode(byte[] data) {
        return data;
    }

    @Override
    public boolean accepts(String recorded) {
        return recorded.startsWith("json:");
    }
}
