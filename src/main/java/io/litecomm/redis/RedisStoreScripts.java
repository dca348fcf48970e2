package io.litecomm.redis;

/** The shared store's scripts, loaded once per class loader (docs/REDIS-store.md). */
final class RedisStoreScripts {

    /** What every write of shared memory starts with: the key type checks and the version's move. */
    private static final String KV_COMMON = "kv-common";

    /** Sets a key. */
    static final RedisScript KV_SET = RedisScript.load("kv-set", KV_COMMON);
    /** Deletes a key. */
    static final RedisScript KV_DELETE = RedisScript.load("kv-delete", KV_COMMON);
    /** Writes a key only if its revision is the one read: the write of {@code update}. */
    static final RedisScript KV_CAS = RedisScript.load("kv-cas", KV_COMMON);
    /** Adds a message to the published stream and trims the stream to the publisher's capacity. */
    static final RedisScript PUBLISH = RedisScript.load("publish");

    private RedisStoreScripts() {
    }
}
