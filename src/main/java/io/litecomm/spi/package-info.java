/**
 * The only door between litecomm's public API and a transport. A transport is found by the
 * scheme of a domain's URI: a {@link io.litecomm.spi.TransportProvider} registered with
 * {@link java.util.ServiceLoader} opens a {@link io.litecomm.spi.Transport}, which gives byte-level
 * {@link io.litecomm.spi.MessageQueue}s (one per channel) and the domain's
 * {@link io.litecomm.spi.SharedStore}. The public API adds names, types, codecs, receive modes,
 * passive handlers, dead letters and error translation; it never assumes how a transport stores or
 * waits: a poll may be a read of mapped memory or a round trip to a server, so every blocking call
 * waits through the transport's own waits ({@code awaitReadable}, {@code awaitWritable},
 * {@code awaitAnyReadable}).
 *
 * <p>litecomm ships two transports: {@code file:} (memory-mapped files, the default) and
 * {@code mem:} (one JVM). What each must promise is written on {@link io.litecomm.spi.Transport},
 * {@link io.litecomm.spi.MessageQueue} and {@link io.litecomm.spi.SharedStore}; the contract suites
 * of the test tree check it, and a transport that fails them is not done.
 */
package io.litecomm.spi;
