package io.litecomm.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.spi.CorruptStorageException;
import io.litecomm.spi.SharedStore;
import io.litecomm.spi.TransportException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/**
 * The shared memory of a Redis domain (docs/REDIS-store.md section 1), with its pub/sub
 * ({@link RedisPubSub}, section 2). Values live in one hash, key to JSON text; a second hash holds
 * each key's revision (the store version that last wrote it) and a string counts the store's
 * version. A read is one command ({@code HGET}, {@code HEXISTS}, {@code HGETALL}, {@code GET});
 * every write is one script, which refuses keys of a foreign type before it changes anything;
 * {@code update} is a read of the revision and the value (one pipelined round trip) and a
 * compare-and-set script.
 * Every value returned is parsed afresh: the caller's own copy. Thread-safe and process-safe.
 */
final class RedisSharedStore implements SharedStore {

    /** Conflicts after which {@link #update} gives up: far beyond what contention of live processes reaches. */
    static final int MAX_ATTEMPTS = 10_000;
    private static final long BACKOFF_BASE_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
    private static final long BACKOFF_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final byte[] SET = RedisKeys.bytes("set");
    private static final byte[] DEL = RedisKeys.bytes("del");
    private static final byte[] OK = RedisKeys.bytes("ok");
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] ZERO = RedisKeys.bytes("0");

    private final RedisServer server;
    private final ObjectMapper mapper;
    private final String location;
    private final String valuesKey;
    private final byte[] values;
    private final byte[] revisions;
    private final String versionKey;
    private final List<byte[]> keys;
    private final Map<String, String> types;
    private final RedisPubSub pubSub;

    RedisSharedStore(RedisTransport transport) {
        this.server = transport.server();
        this.mapper = transport.objectMapper();
        this.location = transport.location();
        RedisKeys names = transport.keys();
        this.valuesKey = names.values();
        this.values = RedisKeys.bytes(valuesKey);
        this.revisions = RedisKeys.bytes(names.revisions());
        this.versionKey = names.version();
        this.keys = List.of(values, revisions, RedisKeys.bytes(versionKey));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put(valuesKey, "hash");
        expected.put(names.revisions(), "hash");
        expected.put(versionKey, "string");
        this.types = Map.copyOf(expected);
        this.pubSub = new RedisPubSub(transport);
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public Object get(String key) {
        byte[] field = RedisKeys.bytes(key);
        return parse(key, call("get key " + key, jedis -> jedis.hget(values, field)));
    }

    @Override
    public boolean contains(String key) {
        byte[] field = RedisKeys.bytes(key);
        return call("look up key " + key, jedis -> jedis.hexists(values, field));
    }

    /** {@inheritDoc} One {@code HGETALL}: atomic on the server. Keys in their natural order. */
    @Override
    public Map<String, Object> getAll() {
        Map<byte[], byte[]> all = call("read every key", jedis -> jedis.hgetAll(values));
        Map<String, byte[]> sorted = new TreeMap<>();
        all.forEach((key, value) -> sorted.put(RedisServer.text(key), value));
        Map<String, Object> out = new LinkedHashMap<>();
        sorted.forEach((key, value) -> out.put(key, parse(key, value)));
        return out;
    }

    @Override
    public void set(String key, Object value) {
        byte[] json = encode(key, value);
        Object reply = server.eval("set key " + key, RedisStoreScripts.KV_SET, keys, List.of(RedisKeys.bytes(key), json));
        RedisStoreReplies.checkForeign(server, reply, types);
    }

    @Override
    public boolean delete(String key) {
        Object reply = server.eval("delete key " + key, RedisStoreScripts.KV_DELETE, keys, List.of(RedisKeys.bytes(key)));
        RedisStoreReplies.checkForeign(server, reply, types);
        return reply instanceof Long changed && changed != 0;
    }

    /**
     * {@inheritDoc}
     *
     * <p>An optimistic compare-and-set: reads the key's revision and value, runs {@code fn}, and a
     * script writes the result only if the key's revision is still the one read. If another
     * writer came first, the script replies with the current value and revision and {@code fn}
     * runs again on those, after a random pause that grows with each conflict up to 2 ms.
     * <strong>{@code fn} may therefore run more than once</strong>, each time on a fresh copy of
     * the value: keep it free of side effects. An exception from {@code fn}, or a result that is not
     * JSON, changes nothing. Gives up with a {@link TransportException} after
     * {@value #MAX_ATTEMPTS} conflicts in a row.
     */
    @Override
    public Object update(String key, UnaryOperator<Object> fn) {
        byte[] field = RedisKeys.bytes(key);
        String action = "update key " + key;
        List<?> current = read(action, field);
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Object result = fn.apply(parse(key, (byte[]) current.get(2)));
            byte[] json = result == null ? null : encode(key, result);
            byte[] revision = (byte[]) current.get(1);
            List<byte[]> args = json == null ? List.of(field, revision, DEL) : List.of(field, revision, SET, json);
            List<?> reply = (List<?>) server.eval(action, RedisStoreScripts.KV_CAS, keys, args);
            RedisStoreReplies.checkForeign(server, reply, types);
            if ("ok".equals(RedisServer.text(reply.get(0)))) {
                return json == null ? null : parse(key, json);
            }
            current = reply;
            backoff(attempt);
        }
        throw new TransportException("update gave up: conflicting writes: attempts=" + MAX_ATTEMPTS + " key=" + key
                + " store=" + location);
    }

    /**
     * The optimistic read of {@code update}: the revision, then the value, in one round trip. Not
     * atomic, and need not be: a write between the two reads makes the value newer than the
     * revision, so the compare-and-set fails and {@code fn} runs again; a value older than its
     * revision cannot be read.
     *
     * @return {@code [ok, revision, value]} as the compare-and-set script's conflict reply has them
     */
    private List<?> read(String action, byte[] field) {
        return call(action, jedis -> {
            redis.clients.jedis.Pipeline pipeline = jedis.pipelined();
            redis.clients.jedis.Response<byte[]> revision = pipeline.hget(revisions, field);
            redis.clients.jedis.Response<byte[]> value = pipeline.hget(values, field);
            pipeline.sync();
            byte[] json = value.get();
            byte[] rev = revision.get();
            if (json == null) {
                rev = EMPTY;
            } else if (rev == null) {
                rev = ZERO;
            }
            return java.util.Arrays.asList(OK, rev, json);
        });
    }

    /** No pause before the first retry (the conflict brought the fresh value), then random and growing. */
    private static void backoff(int conflicts) {
        if (conflicts < 2) {
            return;
        }
        long window = Math.min(BACKOFF_MAX_NANOS, BACKOFF_BASE_NANOS << Math.min(conflicts - 2, 10));
        LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(1, window + 1));
    }

    @Override
    public long version() {
        String text = call("read the store version", jedis -> jedis.get(versionKey));
        if (text == null) {
            return 0;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new CorruptStorageException(server.name() + " key " + versionKey,
                    "not a litecomm store: the version is not a number: key=" + versionKey);
        }
    }

    @Override
    public void publish(String topic, byte[] payload) {
        pubSub.publish(topic, payload);
    }

    @Override
    public int maxPublishLength() {
        return pubSub.maxPublishLength();
    }

    @Override
    public TopicReader newReader() {
        return pubSub.newReader();
    }

    @Override
    public long publishedPosition() {
        return pubSub.publishedPosition();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Always {@code true}: this process's pub/sub thread runs {@code listener} each time it has
     * fetched new messages into the readers' buffer, so readers need not be polled while nothing
     * is published.
     */
    @Override
    public boolean notifyOnPublish(Runnable listener) {
        pubSub.notifyOnPublish(listener);
        return true;
    }

    /** Stops this process's pub/sub reader thread, if it started one. The domain's keys stay. */
    @Override
    public void close() {
        pubSub.close();
    }

    private <T> T call(String action, java.util.function.Function<redis.clients.jedis.Jedis, T> body) {
        return RedisStoreReplies.call(server, action, types, body);
    }

    private byte[] encode(String key, Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise value as JSON: key=" + key + " store=" + location
                    + " cause=" + e.getOriginalMessage(), e);
        }
    }

    private Object parse(String key, byte[] json) {
        if (json == null) {
            return null;
        }
        String plain = plainString(json);
        if (plain != null) {
            return plain;
        }
        try {
            return mapper.readValue(json, Object.class);
        } catch (IOException e) {
            throw new CorruptStorageException(server.name() + " key " + valuesKey, "stored value is not JSON: key=" + key
                    + " hash=" + valuesKey, e);
        }
    }

    /**
     * A JSON string of printable ASCII without escapes, such as {@code "value"}, read without a parser
     * (the same result as Jackson's, at a fraction of the cost: {@code get} of a small string is
     * dominated by the round trip); {@code null} for anything else.
     */
    static String plainString(byte[] json) {
        int last = json.length - 1;
        if (last < 1 || json[0] != '"' || json[last] != '"') {
            return null;
        }
        for (int i = 1; i < last; i++) {
            byte c = json[i];
            if (c < 0x20 || c == '"' || c == '\\') {
                return null;
            }
        }
        return new String(json, 1, last - 1, java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return "RedisSharedStore[" + location + "]";
    }
}
