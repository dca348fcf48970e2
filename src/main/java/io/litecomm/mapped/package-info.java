/**
 * The embedded default transport ({@code file:} URIs): channels as memory-mapped mailbox files and
 * shared memory as a mapped page, coordinated with {@code FileLock}s.
 */
package io.litecomm.mapped;
