package io.litecomm.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;

/**
 * JSON through Jackson, with a reader and writer built once per codec and reused.
 *
 * <p>Compatibility: a typed codec accepts a channel recorded with the same type or untyped
 * ({@code json:any}); the untyped codec accepts any JSON channel.
 *
 * @param <T> payload type
 */
final class JsonCodec<T> implements Codec<T> {

    private final ObjectReader reader;
    private final ObjectWriter writer;
    private final String descriptor;

    JsonCodec(ObjectMapper mapper, JavaType type, String descriptor) {
        this.reader = mapper.readerFor(type);
        this.writer = mapper.writerFor(type);
        this.descriptor = descriptor;
    }

    @Override
    public String descriptor() {
        return descriptor;
    }

    @Override
    public byte[] encode(T value) {
        try {
            return writer.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode as JSON: type=" + descriptor + " cause="
                    + JsonSupport.describe(e), e);
        }
    }

    @Override
    public T decode(byte[] data) {
        try {
            return reader.readValue(data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot decode JSON: type=" + descriptor + " cause="
                    + JsonSupport.describe(e), e);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot decode JSON: type=" + descriptor + " cause=" + e.getMessage(), e);
        } catch (StackOverflowError e) {
            throw new IllegalArgumentException("cannot decode JSON: type=" + descriptor + " cause=nesting too deep", e);
        }
    }

    @Override
    public boolean accepts(String recorded) {
        if (!recorded.startsWith(Codecs.JSON_PREFIX)) {
            return false;
        }
        return Codecs.JSON_ANY.equals(descriptor) || Codecs.JSON_ANY.equals(recorded) || descriptor.equals(recorded);
    }
}
