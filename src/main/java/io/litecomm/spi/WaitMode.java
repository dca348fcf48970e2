package io.litecomm.spi;

/**
 * How a caller of a {@link MessageQueue} wait wants to wait. A transport may treat the modes
 * alike; each mode only says what the caller trades: CPU for latency, or latency for CPU.
 */
public enum WaitMode {
    /** Never give up the CPU: lowest latency, one core busy while waiting. */
    SPIN,
    /** Spin briefly, then yield, then sleep for growing periods (bounded by the domain's maximum park). */
    BACKOFF,
    /** Spin briefly, then sleep until woken by a sender (or the server) where the transport can. */
    BLOCK
}
