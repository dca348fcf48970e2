package io.litecomm.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.spi.SharedStore;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Values come back as Jackson reads them, whichever way the store reads them: plain strings
 * without a parser, everything else with Jackson; what Jackson would escape goes to Jackson.
 */
@Timeout(60)
class RedisStoreValuesTest extends RedisStoreDomainTest {

    private static final List<Object> VALUES = Arrays.asList("value", "", "a\"b", "back\\slash", "tab\there", "\u0001",
            "ünïcødé", "\u007f", "😀", 42, 3_000_000_000L, 1.5, true, null, List.of("x", 1), Map.of("k", "v"));

    @Test
    void theShortcutForPlainStringsAgreesWithJackson() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        for (Object value : VALUES) {
            byte[] json = mapper.writeValueAsBytes(value);
            String plain = RedisSharedStore.plainString(json);
            if (plain != null) {
                assertEquals(mapper.readValue(json, Object.class), plain, new String(json, StandardCharsets.UTF_8));
            }
        }
        assertEquals("value", RedisSharedStore.plainString("\"value\"".getBytes(StandardCharsets.US_ASCII)));
        assertNull(RedisSharedStore.plainString("\"a\\\"b\"".getBytes(StandardCharsets.US_ASCII)));
        assertNull(RedisSharedStore.plainString("\"".getBytes(StandardCharsets.US_ASCII)));
        assertNull(RedisSharedStore.plainString("\"a\"b\"".getBytes(StandardCharsets.US_ASCII)), "not JSON: to Jackson");
    }

    @Test
    void everyKindOfValueComesBackAsSet() {
        SharedStore writer = open().sharedStore();
        SharedStore reader = open().sharedStore();
        for (int i = 0; i < VALUES.size(); i++) {
            writer.set("k" + i, VALUES.get(i));
        }
        for (int i = 0; i < VALUES.size(); i++) {
            assertEquals(VALUES.get(i), reader.get("k" + i), "value " + i);
            assertEquals(VALUES.get(i), reader.getAll().get("k" + i), "snapshot value " + i);
        }
    }
}
