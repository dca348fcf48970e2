/**
 * The shared-memory store: a lock-guarded mapped page holding a JSON snapshot plus an appended log
 * of JSON changes, refreshed by readers through generation and log-end counters, and a broadcast
 * ring for pub/sub.
 */
package io.litecomm.mapped.store;
