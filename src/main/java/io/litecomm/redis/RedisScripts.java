package io.litecomm.redis;

/** The transport's scripts, loaded once per class loader (docs/REDIS.md section 3). */
final class RedisScripts {

    static final RedisScript CREATE = RedisScript.load("create");
    static final RedisScript OFFER = RedisScript.load("offer");
    static final RedisScript TAKE = RedisScript.load("take");
    static final RedisScript ACK = RedisScript.load("ack");
    static final RedisScript CLOSE = RedisScript.load("close");
    static final RedisScript STATE = RedisScript.load("state");
    static final RedisScript DELETE = RedisScript.load("delete");
    static final RedisScript LEAVE = RedisScript.load("leave");

    private RedisScripts() {
    }
}
