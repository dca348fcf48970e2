package io.litecomm.bench.xproc;

/**
 * What limits each target when it is not met: the mechanism on litecomm's path that the figure
 * measures, read from the code at the time the suite was written. Printed under the targets table
 * only for targets not met; re-check it when the implementation changes.
 */
final class Limits {

    static final String SPIN_P50 = "Per-message work on the `byte[]` path (from the code): `Mailbox.offer` takes a "
            + "producer-registry entry (a CAS on an in-JVM `AtomicInteger`, another to release it), writes the claim into "
            + "the producer's mapped slot (two stores, one more to clear it) and CASes the shared tail (any process may "
            + "send); `Mailbox.poll` CASes the head (any process may receive) and allocates the payload; `tryReceive` "
            + "wraps it in an `Optional`. Agrona's one-to-one ring makes one ordered store per side, and Chronicle "
            + "Queue one per excerpt.";
    static final String SPIN_P99 = "The tail follows the per-message work above and the disturbance below: with two "
            + "processes spinning on two CPUs, any other runnable thread (JIT, GC, another process) takes a CPU from one "
            + "of them for a scheduler tick.";
    static final String TPUT = "Same per-message work as for latency (target 1), twice per message in a stream: every "
            + "send does three CASes and three stores to the producer slot besides the record, every receive a CAS on the "
            + "head and a fresh `byte[]`; the consumer cannot take a batch. Agrona reads up to 64 messages per call.";
    static final String TPUT3 = "Four busy processes (three producers, one consumer) share two CPUs, and the producers "
            + "contend on the tail CAS.";
    static final String DEFAULT = "`receive()` waits with the domain's `BackoffIdleStrategy` (in the build measured: "
            + "200 spins, 20 yields, then `parkNanos` from 1 µs doubling up to `CommOptions.maxPark`, 1 ms, and after 100 "
            + "parks at that cap on up to 10 ms). Back to back the reply arrives while it spins; after a quiet spell the "
            + "receiver sits in a park that no sender can cut short, so a message waits for the park to end, where a "
            + "blocking socket is woken by the kernel at once.";
    static final String BLOCKING = "`WaitStrategy.BLOCKING` spins briefly, then marks the receiver asleep in the mapped "
            + "header and blocks on a Unix-domain-socket doorbell that a sender rings when it sees a sleeper: a wake-up "
            + "costs the sender's check plus the same socket round trip as the peer, on top of the ring. Where this "
            + "litecomm build has no such strategy the figure reads n/m with the reason.";
    static final String IDLE = "An idle `receive()`, and the watcher thread behind `onReceive`, keep waking up to poll "
            + "the mapping: every `maxPark` (1 ms), stretching to 10 ms after 100 parks at the cap in the build measured; "
            + "each wake-up is a `parkNanos` round trip through the kernel. Only the blocking strategy sleeps until rung.";
    static final String JSON = "Jackson writes the `String` and parses it back on every hop (`JsonCodec`).";
    static final String GET = "`SharedMemory.get` on an unchanged page reads two mapped longs, then copies the cached "
            + "value (`JsonValues.copy` in `StoragePage.external`) so that the caller owns it.";
    static final String SET = "Every `set` (from the code): Jackson encodes a `{\"k\",\"v\"}` record, then under an in-JVM "
            + "lock plus the page's `FileLock` (two `fcntl` calls) it re-reads the page header, parses the record it just "
            + "wrote back (`StoragePage.append` calls `decode`) and appends it; when the slot fills, the whole store is "
            + "re-encoded into the other slot. Chronicle Map updates the entry in place under its off-heap segment lock (an "
            + "atomic on the mapping, no system call).";
    static final String PUBSUB = "Every `publish` takes the ring's `FileLock` (two `fcntl` calls), allocates a "
            + "`ByteBuffer` duplicate per record header and unparks this process's watcher; delivery runs on the watcher "
            + "thread, which backs off into `parkNanos` between messages (about 50 µs of timer slack once it parks), and "
            + "Jackson parses the payload once per subscriber.";
    static final String DEPS = "jackson-databind alone is about 1.7 MB; jackson-core, jackson-annotations, commons-io, "
            + "slf4j-api and jul-to-slf4j make up the rest.";

    private Limits() {
    }
}
