/**
 * The in-memory transport ({@code mem:NAME} URIs): the whole public API within one JVM, threads
 * standing for processes, for users' own unit tests.
 *
 * <p><b>Domains.</b> {@code Comm.open(URI.create("mem:orders"))} opens the domain {@code orders}
 * of this JVM; every {@code Comm} opened on the same name shares its channels and shared memory,
 * and behaves like another process of the domain. A domain lives while at least one {@code Comm}
 * on it is open: when the last one closes, its channels, messages, keys and published messages are
 * dropped, and the next open of the name starts empty. A {@code mem:} domain cannot be joined by a
 * child process ({@code ProcessManager} refuses it); use a {@code file:} domain for that.
 *
 * <p><b>Capacity.</b> A channel's capacity is accounted as in the {@code file:} transport, so a test
 * that fills a channel behaves alike on both: a message of {@code n} payload bytes takes
 * {@code align16(16 + n)} bytes of the channel's capacity until it is received, and an offer that
 * would pass the capacity finds the channel full. The pub/sub stream keeps
 * {@code pubSubCapacity} bytes (the only setting, default 1 MiB, a power of two from 4096 to
 * 2^30) of recent messages, each taking {@code align32(24 + topic + payload)} bytes; a subscriber
 * that falls further behind misses the oldest, which is counted as with {@code file:}.
 *
 * <p><b>Waiting.</b> Waits block on {@code java.util.concurrent.locks} conditions (no
 * {@code synchronized} where a caller blocks, so virtual threads do not pin), are woken by offers,
 * polls, closes and deletes, honour deadlines and interrupts, and end when the waiter's
 * {@code Comm} closes. Every {@code WaitMode} waits alike. The transport starts no thread.
 *
 * <p>Values in the shared store are kept as JSON and every value returned is the caller's own
 * copy.
 */
package io.litecomm.mem;
