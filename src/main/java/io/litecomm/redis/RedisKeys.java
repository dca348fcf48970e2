package io.litecomm.redis;

import java.nio.charset.StandardCharsets;

/**
 * The names of a domain's keys (docs/REDIS.md section 2). Every key starts with
 * {@code litecomm:{DOMAIN}:}: the prefix confines the domain, and the hash tag {@code {DOMAIN}}
 * keeps the whole domain in one cluster slot, so one script may touch several of its channels.
 */
final class RedisKeys {

    /** Name of the consumer group every channel stream has. */
    static final String GROUP = "g";

    final String prefix;

    RedisKeys(String domain) {
        this.prefix = "litecomm:{" + domain + "}:";
    }

    /** The domain's own hash: format version and the epoch counter. */
    String domain() {
        return prefix + "domain";
    }

    /** Set of channel names. */
    String queues() {
        return prefix + "queues";
    }

    /** A channel's meta hash: format, type, capacity, max, epoch, closed, used, full. */
    String meta(String queue) {
        return prefix + "q:" + queue;
    }

    /** A channel's message stream (consumer group {@link #GROUP}). */
    String stream(String queue) {
        return prefix + "q:" + queue + ":s";
    }

    /** A channel's signal stream: one entry kept, added on send, room, close and delete. */
    String signal(String queue) {
        return prefix + "q:" + queue + ":sig";
    }

    /**
     * One process's send tokens of a channel (hash: sending thread to the token of its last send), so that
     * a resent send is not doubled; it expires an hour after the process's last send.
     */
    String tokens(String queue, String process) {
        return prefix + "q:" + queue + ":tok:" + process;
    }

    /** Pub/sub channel a process subscribes to while it lives; scripts count its subscribers. */
    String alivePrefix() {
        return prefix + "alive:";
    }

    /** A process's private wake-up stream: its waiter connection blocks on it too. */
    String wake(String process) {
        return prefix + "wake:" + process;
    }

    /** Shared-memory values (hash: key to JSON). */
    String values() {
        return prefix + "kv";
    }

    /** Shared-memory revisions (hash: key to revision). */
    String revisions() {
        return prefix + "kv:rev";
    }

    /** Shared-memory store version (string counter). */
    String version() {
        return prefix + "kv:ver";
    }

    /** The published-message stream (ids {@code 0-SEQ}). */
    String published() {
        return prefix + "ps";
    }

    /** Match pattern for every key of the domain ({@code SCAN MATCH}). */
    String pattern() {
        return prefix.replace("{", "\\{").replace("}", "\\}") + "*";
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
