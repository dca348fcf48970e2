package io.litecomm;

import io.litecomm.codec.Codecs;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter channel of one channel: {@code {name}.dead}, a {@code byte[]} channel created on
 * first use that holds the raw bytes of every message a receiver of this process could not decode.
 * Its maximum message size is the channel's, its capacity the default (1 MiB) or the smallest
 * power of two that holds such a message. Writing never waits: if the dead-letter channel is full,
 * closed or damaged, the message is not written there, which is logged at ERROR and counted
 * ({@code deadLetterFailures}); the receiver's {@link MessageDecodeException} still carries the bytes.
 */
final class DeadLetters {

    /** Suffix of dead-letter channels. */
    static final String SUFFIX = ".dead";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final Comm comm;
    private final ChannelCore core;
    private final String channelName;
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile Channel<byte[]> channel;

    DeadLetters(Comm comm, ChannelCore core) {
        this.comm = comm;
        this.core = core;
        this.channelName = core.name() + SUFFIX;
    }

    String channelName() {
        return channelName;
    }

    long written() {
        return written.get();
    }

    long failed() {
        return failed.get();
    }

    /**
     * Writes a message's bytes to the dead-letter channel without waiting.
     *
     * @return whether they were written
     */
    boolean write(byte[] bytes, String expectedType, String problem) {
        String reason;
        Throwable cause = null;
        try {
            if (offer(bytes)) {
                written.incrementAndGet();
                LOG.warn("undecodable message moved to the dead-letter channel: channel={} type={} length={} deadLetter={}"
                        + " cause={}", core.name(), expectedType, bytes.length, channelName, problem);
                return true;
            }
            reason = "dead-letter channel full";
        } catch (RuntimeException | InternalError e) {
            channel = null;
            reason = e.toString();
            cause = e;
        }
        failed.incrementAndGet();
        LOG.error("undecodable message NOT dead-lettered: channel={} type={} length={} deadLetter={} reason={}"
                + " totalNotDeadLettered={} cause={}", core.name(), expectedType, bytes.length, channelName, reason,
                failed.get(), problem, cause);
        return false;
    }

    private boolean offer(byte[] bytes) {
        Channel<byte[]> dead = channel;
        if (dead == null) {
            dead = open();
        }
        try {
            return dead.trySend(bytes);
        } catch (ChannelClosedException deleted) {
            // deleted and perhaps made anew since it was opened: open it again, once
            dead = open();
            return dead.trySend(bytes);
        }
    }

    private Channel<byte[]> open() {
        int max = core.queue().maxMessageLength();
        int capacity = ChannelOptions.DEFAULT_CAPACITY;
        while (capacity / 2 - 16 < max && capacity < (1 << 30)) {
            capacity <<= 1;
        }
        ChannelOptions options = ChannelOptions.builder().capacity(capacity)
                .maxMessageSize(Math.min(max, capacity / 2 - 16)).build();
        Channel<byte[]> opened = comm.libraryChannel(channelName, Codecs.bytes(), options);
        channel = opened;
        return opened;
    }
}
