package io.litecomm.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing redis:// URIs: defaults, credentials kept out of every name, settings checked, a child's URI. */
class RedisAddressTest {

    @Test
    void defaultsAndANameWithoutCredentials() {
        RedisAddress address = RedisAddress.parse(URI.create("redis://bob:p%40ss@example.org/bot"), Map.of());
        assertEquals("example.org", address.host);
        assertEquals(6379, address.port);
        assertEquals("bob", address.user);
        assertEquals("p@ss", address.password);
        assertEquals("bot", address.domain);
        assertEquals("redis://example.org:6379/bot", address.uri().toString());
        assertEquals("redis://example.org:6379", address.server());
        assertFalse(address.toString().contains("p@ss"));
        assertEquals("redis://bob:***@example.org/bot", RedisAddress.redact(URI.create("redis://bob:p%40ss@example.org/bot")));
    }

    @Test
    void aChildGetsTheCredentialsAndEveryNonDefaultSetting() {
        RedisAddress address = RedisAddress.parse(URI.create("rediss://:top%20secret@10.0.0.5:7000/bot"),
                Map.of("timeout", "700", "database", "3", "pubSubCapacity", "8192"));
        String child = address.childUri();
        assertTrue(child.startsWith("rediss://:top%20secret@10.0.0.5:7000/bot?"), child);
        RedisAddress again = RedisAddress.parse(URI.create(child.substring(0, child.indexOf('?'))),
                queryOf(child.substring(child.indexOf('?') + 1)));
        assertEquals("top secret", again.password);
        assertEquals(3, again.database);
        assertEquals(700, again.timeout.toMillis());
        assertEquals(8192, again.pubSubCapacity);
        assertTrue(again.tls);
        assertEquals("rediss://10.0.0.5:7000/bot", RedisAddress.parse(URI.create("rediss://10.0.0.5:7000/bot"), Map.of())
                .childUri(), "no settings, no query");
    }

    private static Map<String, String> queryOf(String query) {
        Map<String, String> settings = new java.util.HashMap<>();
        for (String pair : query.split("&")) {
            settings.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        return settings;
    }

    @Test
    void badUrisAndSettingsAreRefusedByNameWithoutThePassword() {
        IllegalArgumentException noDomain = assertThrows(IllegalArgumentException.class,
                () -> RedisAddress.parse(URI.create("redis://u:hunter2@host:1/"), Map.of()));
        assertFalse(noDomain.getMessage().contains("hunter2"), noDomain.getMessage());
        assertTrue(noDomain.getMessage().contains("domain"), noDomain.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> RedisAddress.parse(URI.create("redis://host/d"), Map.of("recoveryTimeout", "PT1S")));
        assertTrue(unknown.getMessage().contains("setting=recoveryTimeout"), unknown.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> RedisAddress.parse(URI.create("redis://host/d"), Map.of("timeout", "soon")));
        assertTrue(bad.getMessage().contains("setting=timeout value=soon"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RedisAddress.parse(URI.create("redis://host/a{b}"), Map.of()));
    }
}
