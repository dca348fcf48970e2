/**
 * Threads that wait and dispatch: idle strategies (spin, then yield, then park with a cap) and the
 * one watcher thread per domain that takes messages for passive handlers and asynchronous
 * receivers.
 */
package io.litecomm.dispatch;
