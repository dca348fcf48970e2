package io.litecomm.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The shared Jackson mapper: default typing off (never enabled anywhere in litecomm), nesting
 * bounded so hostile input fails with a decode error rather than a {@code StackOverflowError}.
 */
public final class JsonSupport {

    /** Deepest JSON nesting accepted. */
    public static final int MAX_NESTING_DEPTH = 500;

    private static final ObjectMapper MAPPER = newMapper();

    private JsonSupport() {
    }

    /**
     * The shared mapper. Do not reconfigure it.
     *
     * @return the mapper
     */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * A new mapper with litecomm's safe settings.
     *
     * @return the mapper
     */
    public static ObjectMapper newMapper() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                // what is written must read back, even wrapped in a small envelope
                .streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH - 4).build())
                .build();
        return JsonMapper.builder(factory).build();
    }
}
