package io.litecomm.redis;

import io.litecomm.spi.CorruptStorageException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * What the shared store and its pub/sub make of the server's replies: script replies, and a key of
 * a foreign type at one of the store's names, which becomes a {@link CorruptStorageException}
 * naming the server and the key.
 */
final class RedisStoreReplies {

    private RedisStoreReplies() {
    }

    /** The exception for a key of another type than the store's at one of its names. */
    static CorruptStorageException foreign(RedisServer server, String key, String type, String expected) {
        return new CorruptStorageException(server.name() + " key " + key, "not a litecomm store: a key of type "
                + type + ", expected=" + expected + " key=" + key);
    }

    /**
     * Throws if a script replied {@code {'foreign', key, type}}.
     *
     * @param server for the message
     * @param reply the script's reply
     * @param expected the key types the store uses, by key, for the message
     * @throws CorruptStorageException naming the server and the key
     */
    static void checkForeign(RedisServer server, Object reply, Map<String, String> expected) {
        if (reply instanceof List<?> list && list.size() == 3 && "foreign".equals(RedisServer.text(list.get(0)))) {
            String key = RedisServer.text(list.get(1));
            throw foreign(server, key, RedisServer.text(list.get(2)), expected.getOrDefault(key, "?"));
        }
    }

    /**
     * Runs commands on a pooled connection; if the server refuses one with {@code WRONGTYPE}, looks
     * for the key of a foreign type among {@code expected} and throws naming it.
     *
     * @param server the server
     * @param action what is being done, for messages
     * @param expected key to the type the store keeps there ({@code hash}, {@code string}, {@code stream})
     * @param body the commands
     * @return what {@code body} returned
     */
    static <T> T call(RedisServer server, String action, Map<String, String> expected, Function<Jedis, T> body) {
        return server.call(action, jedis -> {
            try {
                return body.apply(jedis);
            } catch (JedisDataException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("WRONGTYPE")) {
                    for (Map.Entry<String, String> key : expected.entrySet()) {
                        String type = jedis.type(key.getKey());
                        if (!type.equals(key.getValue()) && !type.equals("none")) {
                            throw foreign(server, key.getKey(), type, key.getValue());
                        }
                    }
                }
                throw e;
            }
        });
    }
}
