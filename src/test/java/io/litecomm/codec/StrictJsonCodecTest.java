package io.litecomm.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON codec binds strictly and reports what is wrong in one line of its own. */
class StrictJsonCodecTest {

    private static <T> T decode(Codec<T> codec, String json) {
        return codec.decode(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void refused(Codec<?> codec, String json) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> decode(codec, json),
                codec.descriptor() + " took " + json);
        assertClean(e.getMessage());
    }

    private static void assertClean(String message) {
        assertFalse(message.contains("\n"), message);
        for (String internal : List.of("`", "Source", "REDACTED", "but could", "but might", "Feature", "Constraints")) {
            assertFalse(message.contains(internal), internal + " in: " + message);
        }
    }

    @Test
    void scalarsAreNeverCoerced() {
        Codec<Integer> ints = Codecs.json(Integer.class);
        for (String json : List.of("3.7", "3.0", "1e3", "\"12\"", "\"\"", "true", "[12]", "{\"a\":12}")) {
            refused(ints, json);
        }
        Codec<String> strings = Codecs.json(String.class);
        for (String json : List.of("12", "1.5", "true", "{\"a\":1}", "[\"a\"]")) {
            refused(strings, json);
        }
        Codec<Boolean> booleans = Codecs.json(Boolean.class);
        for (String json : List.of("1", "0", "\"true\"")) {
            refused(booleans, json);
        }
        refused(Codecs.json(JsonSupport.mapper(), new TypeReference<List<Integer>>() { }), "[1, 2.5]");
        refused(Codecs.json(JsonSupport.mapper(), new TypeReference<Map<String, Long>>() { }), "{\"a\":\"1\"}");
    }

    @Test
    void validValuesAndWideningStillDecode() {
        assertEquals(12, decode(Codecs.json(Integer.class), "12"));
        assertEquals(12L, decode(Codecs.json(Long.class), "12"));
        assertEquals(12.0, decode(Codecs.json(Double.class), "12"));
        assertEquals(new BigDecimal("12"), decode(Codecs.json(BigDecimal.class), "12"));
        assertEquals(2.5f, decode(Codecs.json(Float.class), "2.5"));
        assertEquals("12", decode(Codecs.json(String.class), "\"12\""));
        assertEquals(List.of(1, 2), decode(Codecs.json(JsonSupport.mapper(), new TypeReference<List<Long>>() { }), "[1,2]")
                .stream().map(Long::intValue).toList());
        assertEquals(Map.of("a", 3.7), decode(Codecs.untyped(), "{\"a\":3.7}"), "untyped values stay as sent");
    }

    @Test
    void describeGivesOneLineWithoutJacksonInternals() {
        ObjectMapper parser = JsonSupport.newMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        List<String> bad = List.of("{\"a\":", "1 2", "NaN", "01", "\"abc", "{\"a\" 1}", "[".repeat(600) + "]".repeat(600));
        for (String json : bad) {
            JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> parser.readTree(json));
            String described = JsonSupport.describe(e);
            assertClean(described);
            assertTrue(described.contains(" at line 1 column ") || described.startsWith("nested too deeply: limit=500"),
                    json + ": " + described);
        }
        JsonProcessingException deep = assertThrows(JsonProcessingException.class,
                () -> parser.writeValueAsString(nested(497)));
        assertEquals("nested too deeply: limit=496 levels", JsonSupport.describe(deep));
    }

    private static Object nested(int depth) {
        Object value = List.of();
        for (int i = 1; i < depth; i++) {
            value = List.of(value);
        }
        return value;
    }
}
