package io.litecomm;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.codec.JsonSupport;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How a {@link Comm} behaves in this process: default channel options, the JSON mapper, how
 * long idle waits may park, and the failure policy of its watcher thread ({@link #failureHandler()}).
 *
 * <p>Blocking calls and the watcher poll the mapped files: they spin briefly, then yield, then park
 * for doubling periods up to {@link #maxPark()} (default 1 ms); after a quiet spell of about a
 * hundred parks at the cap, a waiting receiver's period may grow to ten times the cap (at most
 * 10 ms). A smaller cap wakes faster when a message arrives after a quiet spell; a larger one costs
 * less CPU while idle.
 *
 * <p>Settings that belong to one transport travel with the domain's URI as query parameters
 * ({@code file:///dev/shm/app?recoveryTimeout=PT5S}) or as {@link Builder#setting(String, String)};
 * {@link Builder#recoveryTimeout(Duration)} and {@link Builder#pubSubCapacity(int)} are shorthands for
 * the two settings of the {@code file:} transport. A transport refuses a setting it does not know.
 */
public final class CommOptions {

    /** Default cap on the idle park period. */
    public static final Duration DEFAULT_MAX_PARK = Duration.ofMillis(1);

    private static final CommOptions DEFAULTS = builder().build();

    private final ChannelOptions channelDefaults;
    private final ObjectMapper objectMapper;
    private final Duration maxPark;
    private final int pubSubCapacity;
    private final Duration recoveryTimeout;
    private final WaitStrategy waitStrategy;
    private final FailureHandler failureHandler;
    private final Map<String, String> settings;

    private CommOptions(Builder builder) {
        this.settings = Map.copyOf(builder.settings);
        this.failureHandler = builder.failureHandler;
        this.waitStrategy = builder.waitStrategy;
        this.recoveryTimeout = builder.recoveryTimeout;
        this.pubSubCapacity = builder.pubSubCapacity;
        this.channelDefaults = builder.channelDefaults;
        this.objectMapper = builder.objectMapper;
        this.maxPark = builder.maxPark;
    }

    /**
     * The defaults.
     *
     * @return default options
     */
    public static CommOptions defaults() {
        return DEFAULTS;
    }

    /**
     * A builder starting from the defaults.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The transport settings given in code, in the order given; the URI's query parameters take
     * precedence over them.
     *
     * @return setting to value
     */
    public Map<String, String> transportSettings() {
        return settings;
    }

    /**
     * Options for channels created without explicit options.
     *
     * @return channel options
     */
    public ChannelOptions channelDefaults() {
        return channelDefaults;
    }

    /**
     * The mapper JSON channels use.
     *
     * @return the mapper
     */
    public ObjectMapper objectMapper() {
        return objectMapper;
    }

    /**
     * Longest single park of an idle wait.
     *
     * @return the cap
     */
    public Duration maxPark() {
        return maxPark;
    }

    /**
     * Bytes of the pub/sub ring, used when this process creates it: how far a subscriber may fall
     * behind before it misses messages.
     *
     * @return the capacity
     */
    public int pubSubCapacity() {
        return pubSubCapacity;
    }

    /**
     * How long a receiver waits on a message that a producer claimed but has not finished writing
     * before it checks whether that producer died; if it did (its {@code FileLock} is gone), the
     * claim is skipped and the channel moves on. A live producer, even a paused one, is always
     * waited for. Default 2 seconds.
     *
     * @return the bound
     */
    public Duration recoveryTimeout() {
        return recoveryTimeout;
    }

    /**
     * How blocking receives wait, unless a channel handle says otherwise. Default
     * {@link WaitStrategy#BACKOFF}.
     *
     * @return the strategy
     */
    public WaitStrategy waitStrategy() {
        return waitStrategy;
    }

    /**
     * The failure policy: what happens when a passive handler, a pub/sub subscriber or a watcher
     * task fails, or a passive message cannot be decoded. Default {@link FailureHandler#logging()}.
     *
     * @return the policy
     */
    public FailureHandler failureHandler() {
        return failureHandler;
    }

    /** Builds {@link CommOptions}. */
    public static final class Builder {
        private ChannelOptions channelDefaults = ChannelOptions.defaults();
        private ObjectMapper objectMapper = JsonSupport.mapper();
        private Duration maxPark = DEFAULT_MAX_PARK;
        private int pubSubCapacity = 1 << 20;
        private Duration recoveryTimeout = Duration.ofSeconds(2);
        private WaitStrategy waitStrategy = WaitStrategy.BACKOFF;
        private FailureHandler failureHandler = FailureHandler.logging();
        private final Map<String, String> settings = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Sets the failure policy for passive handlers, pub/sub subscribers, passive decode failures
         * and watcher tasks. It runs on the watcher thread; whatever it throws is logged and ignored.
         *
         * @param handler the policy
         * @return this builder
         */
        public Builder failureHandler(FailureHandler handler) {
            this.failureHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Sets how blocking receives wait.
         *
         * @param strategy the strategy
         * @return this builder
         */
        public Builder waitStrategy(WaitStrategy strategy) {
            this.waitStrategy = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        /**
         * Sets the recovery bound for messages left unfinished by a dead producer.
         *
         * @param timeout from 1 ms to 1 hour
         * @return this builder
         */
        public Builder recoveryTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.toMillis() < 1 || timeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("recoveryTimeout must be in [1ms, 1h]: " + timeout);
            }
            this.recoveryTimeout = timeout;
            settings.put("recoveryTimeout", timeout.toString());
            return this;
        }

        /**
         * Sets the pub/sub ring size, used if this process creates the ring (default 1 MiB); a
         * message may take at most a quarter of it.
         *
         * @param bytes a power of two from 4096 to 2^30
         * @return this builder
         */
        public Builder pubSubCapacity(int bytes) {
            if (bytes < 4096 || bytes > (1 << 30) || Integer.bitCount(bytes) != 1) {
                throw new IllegalArgumentException("pubSubCapacity must be a power of two in [4096, 2^30]: " + bytes);
            }
            this.pubSubCapacity = bytes;
            settings.put("pubSubCapacity", Integer.toString(bytes));
            return this;
        }

        /**
         * Sets a setting of the domain's transport, as a URI query parameter would (the URI's own
         * parameter wins). The {@code file:} transport knows {@code recoveryTimeout} (an ISO-8601
         * duration such as {@code PT2S}, or milliseconds) and {@code pubSubCapacity} (bytes).
         *
         * @param key the setting
         * @param value its value
         * @return this builder
         */
        public Builder setting(String key, String value) {
            settings.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Sets the options of channels created without explicit options.
         *
         * @param options channel options
         * @return this builder
         */
        public Builder channelDefaults(ChannelOptions options) {
            this.channelDefaults = Objects.requireNonNull(options, "options");
            return this;
        }

        /**
         * Sets the JSON mapper. It must not enable default typing: litecomm never reads class names
         * from the wire. The default, {@link JsonSupport#newMapper()}, binds typed values strictly
         * (no float-to-int or string-to-number coercion) and bounds nesting; a mapper of your own
         * keeps its own settings, so start from that one.
         *
         * @param mapper the mapper
         * @return this builder
         */
        public Builder objectMapper(ObjectMapper mapper) {
            this.objectMapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        /**
         * Sets the cap on the idle park period.
         *
         * @param cap from 1 microsecond to 1 second
         * @return this builder
         */
        public Builder maxPark(Duration cap) {
            Objects.requireNonNull(cap, "cap");
            if (cap.toNanos() < 1_000 || cap.compareTo(Duration.ofSeconds(1)) > 0) {
                throw new IllegalArgumentException("maxPark must be in [1us, 1s]: maxPark=" + cap);
            }
            this.maxPark = cap;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public CommOptions build() {
            return new CommOptions(this);
        }
    }
}
