/**
 * The seam between litecomm's public API and a transport: byte-level queues and the exceptions
 * a transport reports. The memory-mapped mailbox is the default implementation; a transport over
 * another engine implements the same interfaces and the public API does not change.
 */
package io.litecomm.spi;
