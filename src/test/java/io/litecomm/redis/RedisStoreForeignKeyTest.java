package io.litecomm.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.spi.CorruptStorageException;
import io.litecomm.spi.SharedStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import redis.clients.jedis.Jedis;

/**
 * A key of another type at one of the store's names (the values hash, the revisions hash, the
 * version counter, the published stream) is refused with a {@link CorruptStorageException} that
 * names the server and the key, and the foreign key is left as it was.
 */
@Timeout(60)
class RedisStoreForeignKeyTest extends RedisStoreDomainTest {

    private void assertRefused(String key, Executable call) {
        CorruptStorageException e = assertThrows(CorruptStorageException.class, call);
        assertTrue(e.getMessage().contains(serverName()), e.getMessage());
        assertTrue(e.getMessage().contains("key=" + key), e.getMessage());
        assertTrue(e.getMessage().startsWith("not a litecomm store"), e.getMessage());
        assertTrue(e.resource().contains(key), e.resource());
    }

    @Test
    void aStringWhereTheValuesHashBelongsIsRefusedByEveryCall() {
        SharedStore store = open().sharedStore();
        String values = key("kv");
        try (Jedis jedis = server.jedis()) {
            jedis.set(values, "someone else's");
        }
        assertRefused(values, () -> store.get("k"));
        assertRefused(values, () -> store.contains("k"));
        assertRefused(values, store::getAll);
        assertRefused(values, () -> store.set("k", 1));
        assertRefused(values, () -> store.delete("k"));
        assertRefused(values, () -> store.update("k", old -> 1));
        assertEquals(0, store.version(), "nothing was written");
        try (Jedis jedis = server.jedis()) {
            assertEquals("someone else's", jedis.get(values));
            assertEquals(Boolean.FALSE, jedis.exists(key("kv:rev")));
        }
    }

    @Test
    void aListWhereTheRevisionsHashBelongsIsRefusedBeforeAnythingChanges() {
        SharedStore store = open().sharedStore();
        store.set("k", "before");
        long version = store.version();
        String revisions = key("kv:rev");
        try (Jedis jedis = server.jedis()) {
            jedis.del(revisions);
            jedis.rpush(revisions, "x");
        }
        assertRefused(revisions, () -> store.set("k", "after"));
        assertRefused(revisions, () -> store.delete("k"));
        assertRefused(revisions, () -> store.update("k", old -> "after"));
        assertEquals("before", store.get("k"), "the value stayed");
        assertEquals(version, store.version(), "the version stayed");
    }

    @Test
    void aHashOrAWordWhereTheVersionBelongsIsRefused() {
        SharedStore store = open().sharedStore();
        String version = key("kv:ver");
        try (Jedis jedis = server.jedis()) {
            jedis.hset(version, "a", "b");
        }
        assertRefused(version, store::version);
        assertRefused(version, () -> store.set("k", 1));
        try (Jedis jedis = server.jedis()) {
            jedis.del(version);
            jedis.set(version, "twelve");
        }
        assertRefused(version, store::version);
        assertRefused(version, () -> store.set("k", 1));
        assertRefused(version, () -> store.update("k", old -> 1));
        assertEquals(Boolean.FALSE, store.contains("k"), "nothing was written");
    }

    @Test
    void aHashWhereThePublishedStreamBelongsIsRefused() {
        SharedStore store = open().sharedStore();
        String published = key("ps");
        try (Jedis jedis = server.jedis()) {
            jedis.hset(published, Map.of("a", "b"));
        }
        assertRefused(published, () -> store.publish("t", new byte[] {1}));
        assertRefused(published, store::publishedPosition);
        assertRefused(published, store::newReader);
        try (Jedis jedis = server.jedis()) {
            assertEquals(Map.of("a", "b"), jedis.hgetAll(published));
        }
    }

    @Test
    void aForeignEntryInThePublishedStreamIsReportedOnceAndCountedAsMissed() {
        SharedStore store = open().sharedStore();
        SharedStore.TopicReader reader = store.newReader();
        store.publish("t", new byte[] {'0'});
        try (Jedis jedis = server.jedis()) {
            jedis.xadd(key("ps"), redis.clients.jedis.params.XAddParams.xAddParams().id("0-*"), Map.of("foo", "bar"));
        }
        store.publish("t", new byte[] {'1'});
        List<String> got = new java.util.ArrayList<>();
        long[] missed = {0};
        int[] reported = {0};
        SharedStore.TopicSink sink = new SharedStore.TopicSink() {
            @Override
            public void message(long position, String topic, byte[] payload) {
                got.add(new String(payload, java.nio.charset.StandardCharsets.UTF_8));
            }

            @Override
            public void missed(long count) {
                missed[0] += count;
            }
        };
        await(() -> {
            try {
                reader.poll(sink, 10);
            } catch (CorruptStorageException e) {
                reported[0]++;
                assertTrue(e.getMessage().contains("key=" + key("ps")) && e.getMessage().contains(serverName()),
                        e.getMessage());
            }
            return got.size() >= 2;
        }, () -> "messages around the foreign entry not read: got=" + got);
        assertEquals(List.of("0", "1"), got);
        assertEquals(1, missed[0], "the foreign entry's position is counted as missed");
        assertEquals(1, reported[0], "the damage is reported once");
    }

    @Test
    void aValueThatIsNotJsonIsReportedWithItsKey() {
        SharedStore store = open().sharedStore();
        store.set("good", List.of(1));
        try (Jedis jedis = server.jedis()) {
            jedis.hset(key("kv"), "bad", "{not json");
        }
        CorruptStorageException e = assertThrows(CorruptStorageException.class, () -> store.get("bad"));
        assertTrue(e.getMessage().contains("key=bad") && e.getMessage().contains(serverName()), e.getMessage());
        assertEquals(List.of(1), store.get("good"));
    }
}
