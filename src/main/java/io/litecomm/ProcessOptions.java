package io.litecomm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link ProcessManager} launches and supervises a child.
 *
 * <p>Defaults: no extra JVM arguments or environment, the parent's working directory, restart
 * policy {@link RestartPolicy#NEVER}, back-off 500 ms doubling up to 30 s, at most 5 restarts in
 * any minute, a 5 s grace period on stop, 30 s for a child to come up on start, the child exits
 * when the parent dies, its SLF4J records are forwarded to the parent, and its output is
 * {@link Output#LOG logged}.
 */
public final class ProcessOptions {

    private static final ProcessOptions DEFAULTS = builder().build();

    /** When a child that exited by itself is started again. */
    public enum RestartPolicy {
        /** Never restart. */
        NEVER,
        /** Restart after a non-zero exit code (a crash, {@code System.exit(3)}, {@code Runtime.halt}). */
        ON_FAILURE,
        /** Restart after any exit. */
        ALWAYS
    }

    /** Where a child's stdout, stderr and forwarded log records go in the parent. */
    public enum Output {
        /**
         * To the parent's SLF4J: records under {@code litecomm.process.<name>.<child's logger>}
         * with their level, plain lines under {@code litecomm.process.<name>} (stdout at INFO,
         * stderr at the level the line starts with, else WARN). When the parent has no SLF4J
         * provider, to its stdout and stderr instead, each line prefixed by {@code [name] }.
         */
        LOG,
        /** To the parent's stdout and stderr as the child wrote them; records as {@code LEVEL logger - message}. */
        INHERIT,
        /** Nowhere; the last lines still go into the report of a child that fails to start. */
        DISCARD
    }

    private final List<String> jvmArgs;
    private final Map<String, String> environment;
    private final Path workingDirectory;
    private final RestartPolicy restartPolicy;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final int maxRestartsPerMinute;
    private final Duration stopGracePeriod;
    private final boolean exitWithParent;
    private final Output output;
    private final Duration startTimeout;
    private final boolean forwardChildLogs;

    private ProcessOptions(Builder b) {
        this.jvmArgs = List.copyOf(b.jvmArgs);
        this.environment = Map.copyOf(b.environment);
        this.workingDirectory = b.workingDirectory;
        this.restartPolicy = b.restartPolicy;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.maxRestartsPerMinute = b.maxRestartsPerMinute;
        this.stopGracePeriod = b.stopGracePeriod;
        this.exitWithParent = b.exitWithParent;
        this.output = b.output;
        this.startTimeout = b.startTimeout;
        this.forwardChildLogs = b.forwardChildLogs;
    }

    /**
     * The defaults.
     *
     * @return default options
     */
    public static ProcessOptions defaults() {
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
     * Extra JVM arguments, before the class path.
     *
     * @return the arguments
     */
    public List<String> jvmArgs() {
        return jvmArgs;
    }

    /**
     * Extra environment variables.
     *
     * @return the variables
     */
    public Map<String, String> environment() {
        return environment;
    }

    /**
     * Working directory, or {@code null} for the parent's.
     *
     * @return the directory
     */
    public Path workingDirectory() {
        return workingDirectory;
    }

    /**
     * The restart policy.
     *
     * @return the policy
     */
    public RestartPolicy restartPolicy() {
        return restartPolicy;
    }

    /**
     * Delay before the first restart in a row; doubles for each further one.
     *
     * @return the delay
     */
    public Duration initialBackoff() {
        return initialBackoff;
    }

    /**
     * Cap on the restart delay.
     *
     * @return the cap
     */
    public Duration maxBackoff() {
        return maxBackoff;
    }

    /**
     * Restarts allowed within any minute before the manager gives up on the child.
     *
     * @return the limit
     */
    public int maxRestartsPerMinute() {
        return maxRestartsPerMinute;
    }

    /**
     * How long a stopping child may take to exit before it is destroyed.
     *
     * @return the grace period
     */
    public Duration stopGracePeriod() {
        return stopGracePeriod;
    }

    /**
     * Whether the child exits when the parent dies.
     *
     * @return {@code true} by default
     */
    public boolean exitWithParent() {
        return exitWithParent;
    }

    /**
     * Where the child's output goes.
     *
     * @return {@link Output#LOG} by default
     */
    public Output output() {
        return output;
    }

    /**
     * How long {@code start} waits for the child to report that it is up.
     *
     * @return 30 s by default
     */
    public Duration startTimeout() {
        return startTimeout;
    }

    /**
     * Whether the child's SLF4J records are sent to the parent (level, logger and message intact)
     * rather than written by an SLF4J provider on the child's own class path.
     *
     * @return {@code true} by default
     */
    public boolean forwardChildLogs() {
        return forwardChildLogs;
    }

    /** Builds {@link ProcessOptions}. */
    public static final class Builder {
        private List<String> jvmArgs = List.of();
        private Map<String, String> environment = Map.of();
        private Path workingDirectory;
        private RestartPolicy restartPolicy = RestartPolicy.NEVER;
        private Duration initialBackoff = Duration.ofMillis(500);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private int maxRestartsPerMinute = 5;
        private Duration stopGracePeriod = Duration.ofSeconds(5);
        private boolean exitWithParent = true;
        private Output output = Output.LOG;
        private Duration startTimeout = Duration.ofSeconds(30);
        private boolean forwardChildLogs = true;

        private Builder() {
        }

        /**
         * Sets extra JVM arguments, e.g. {@code -Xmx64m}.
         *
         * @param args the arguments
         * @return this builder
         */
        public Builder jvmArgs(String... args) {
            this.jvmArgs = List.of(args);
            return this;
        }

        /**
         * Sets extra environment variables.
         *
         * @param env the variables
         * @return this builder
         */
        public Builder environment(Map<String, String> env) {
            this.environment = Map.copyOf(env);
            return this;
        }

        /**
         * Sets the working directory.
         *
         * @param dir the directory
         * @return this builder
         */
        public Builder workingDirectory(Path dir) {
            this.workingDirectory = dir;
            return this;
        }

        /**
         * Sets the restart policy.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder restartPolicy(RestartPolicy policy) {
            this.restartPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Sets the back-off: the first delay and its cap.
         *
         * @param initial first delay, at least zero
         * @param max cap, at least {@code initial}
         * @return this builder
         */
        public Builder backoff(Duration initial, Duration max) {
            if (initial.isNegative() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("bad back-off: initial=" + initial + " max=" + max);
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /**
         * Sets the restart limit.
         *
         * @param limit restarts allowed within any minute, at least 1
         * @return this builder
         */
        public Builder maxRestartsPerMinute(int limit) {
            if (limit < 1) {
                throw new IllegalArgumentException("maxRestartsPerMinute must be at least 1: " + limit);
            }
            this.maxRestartsPerMinute = limit;
            return this;
        }

        /**
         * Sets the grace period of a stop.
         *
         * @param grace the period, at least zero
         * @return this builder
         */
        public Builder stopGracePeriod(Duration grace) {
            if (grace.isNegative()) {
                throw new IllegalArgumentException("stopGracePeriod must not be negative: " + grace);
            }
            this.stopGracePeriod = grace;
            return this;
        }

        /**
         * Sets whether the child exits when the parent dies.
         *
         * @param exit {@code false} to let it outlive the parent
         * @return this builder
         */
        public Builder exitWithParent(boolean exit) {
            this.exitWithParent = exit;
            return this;
        }

        /**
         * Sets where the child's output goes.
         *
         * @param where log, inherit or discard
         * @return this builder
         */
        public Builder output(Output where) {
            this.output = Objects.requireNonNull(where, "output");
            return this;
        }

        /**
         * Sets how long {@code start} waits for the child to come up before it fails.
         *
         * @param timeout the time, more than zero
         * @return this builder
         */
        public Builder startTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("startTimeout must be positive: " + timeout);
            }
            this.startTimeout = timeout;
            return this;
        }

        /**
         * Sets whether the child's SLF4J records are forwarded to the parent; {@code false} keeps
         * the child's own provider (its text lines are then forwarded as plain output).
         *
         * @param forward {@code false} to let the child log by itself
         * @return this builder
         */
        public Builder forwardChildLogs(boolean forward) {
            this.forwardChildLogs = forward;
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public ProcessOptions build() {
            return new ProcessOptions(this);
        }
    }
}
