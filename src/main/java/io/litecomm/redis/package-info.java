/**
 * The Redis transport ({@code redis://host:port/DOMAIN}, {@code rediss://} for TLS): channels,
 * shared memory and pub/sub of one domain on a Redis 7 server, for processes on several hosts.
 * Jedis is an optional dependency of this package alone. docs/REDIS.md describes the keys and
 * scripts precisely enough for a client in another language; docs/RELIABILITY.md its guarantees.
 */
package io.litecomm.redis;
