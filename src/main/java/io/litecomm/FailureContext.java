package io.litecomm;

import java.util.Objects;
import java.util.Optional;

/**
 * What failed, as told to a {@link FailureHandler}.
 */
public final class FailureContext {

    /** The kind of failure. */
    public enum Kind {
        /** A passive channel handler (its filter or its consumer) threw. */
        CHANNEL_HANDLER,
        /** A message taken in passive mode could not be decoded; it went to the dead-letter channel. */
        DECODE,
        /** A pub/sub subscriber threw, or a published message could not be decoded. */
        SUBSCRIBER,
        /** A watch task failed outside any handler, e.g. a channel or store file faulted. */
        WATCHER
    }

    private final Kind kind;
    private final String source;
    private final Object handler;
    private final byte[] payload;

    FailureContext(Kind kind, String source, Object handler, byte[] payload) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.source = Objects.requireNonNull(source, "source");
        this.handler = handler;
        this.payload = payload;
    }

    /**
     * The kind of failure.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * Where it happened: the channel's name, {@code pubsub:<topic>} for a subscriber, or the
     * watcher task's description.
     *
     * @return the source
     */
    public String source() {
        return source;
    }

    /**
     * The handler or subscriber that failed.
     *
     * @return the user's consumer, or empty when no user code was involved
     */
    public Optional<Object> handler() {
        return Optional.ofNullable(handler);
    }

    /**
     * The raw bytes of the message being handled.
     *
     * @return a copy of the bytes, or empty when no message was involved
     */
    public Optional<byte[]> payload() {
        return payload == null ? Optional.empty() : Optional.of(payload.clone());
    }

    @Override
    public String toString() {
        return "FailureContext[kind=" + kind + " source=" + source + (handler == null ? "" : " handler=" + handler)
                + (payload == null ? "" : " length=" + payload.length) + "]";
    }
}
