package io.litecomm.codec;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The built-in codecs.
 */
public final class Codecs {

    /** Descriptor of raw byte channels. */
    public static final String BYTES = "bytes";
    /** Descriptor prefix of JSON channels. */
    public static final String JSON_PREFIX = "json:";
    /** Descriptor of untyped JSON channels: any JSON value. */
    public static final String JSON_ANY = JSON_PREFIX + "any";

    private static final Codec<byte[]> BYTES_CODEC = new BytesCodec();

    private Codecs() {
    }

    /**
     * The raw bytes codec: the payload is the message, no copy beyond the channel's own.
     *
     * @return the codec
     */
    public static Codec<byte[]> bytes() {
        return BYTES_CODEC;
    }

    /**
     * A JSON codec for a class, using a safe shared mapper.
     *
     * @param type the class
     * @param <T> payload type
     * @return the codec
     */
    public static <T> Codec<T> json(Class<T> type) {
        return json(JsonSupport.mapper(), type);
    }

    /**
     * A JSON codec for a class with a given mapper.
     *
     * @param mapper the mapper; must not enable default typing
     * @param type the class
     * @param <T> payload type
     * @return the codec
     */
    @SuppressWarnings("unchecked")
    public static <T> Codec<T> json(ObjectMapper mapper, Class<T> type) {
        if (type == byte[].class) {
            return (Codec<T>) BYTES_CODEC;
        }
        if (type == Object.class) {
            return (Codec<T>) new JsonCodec<>(mapper, mapper.constructType(Object.class), JSON_ANY);
        }
        JavaType javaType = mapper.constructType(type);
        return new JsonCodec<>(mapper, javaType, JSON_PREFIX + javaType.toCanonical());
    }

    /**
     * A JSON codec for a generic type.
     *
     * @param mapper the mapper; must not enable default typing
     * @param type the type
     * @param <T> payload type
     * @return the codec
     */
    public static <T> Codec<T> json(ObjectMapper mapper, TypeReference<T> type) {
        JavaType javaType = mapper.constructType(type);
        if (javaType.getRawClass() == Object.class) {
            return new JsonCodec<>(mapper, javaType, JSON_ANY);
        }
        return new JsonCodec<>(mapper, javaType, JSON_PREFIX + javaType.toCanonical());
    }

    /**
     * The untyped JSON codec: values are JSON-native ({@code Map}, {@code List}, {@code String},
     * numbers, {@code Boolean}, {@code null}).
     *
     * @return the codec
     */
    public static Codec<Object> untyped() {
        return json(JsonSupport.mapper(), Object.class);
    }
}
