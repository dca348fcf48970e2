package io.litecomm.redis;

/** The shared store's scripts, loaded once per class loader (docs/REDIS-store.md). */
final class RedisStoreScripts {

    /** Sets a key. */
    static final RedisScript KV_SET = RedisScript.load("kv-set");
    /** Deletes a key. */
    static final RedisScript KV_DELETE = RedisScript.load("kv-delete");
    /** Writes a key only if its revision is the one read: the write of {@code update}. */
    static final RedisScript KV_CAS = RedisScript.load("kv-cas");
    /** Adds a message to the published stream and trims the stream to the publisher's capacity. */
    static final RedisScript PUBLISH = RedisScript.load("publish");

    private RedisStoreScripts() {
    }
}
