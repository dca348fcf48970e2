package io.litecomm;

/**
 * The failure policy of a {@link Comm}: called on the watcher thread for every failure that has no
 * caller to throw to. That is a passive handler ({@link Channel#onReceive}) or a pub/sub subscriber
 * ({@link SharedMemory#onSubscriberReceive}) that threw anything, {@code Error}s included; a
 * message a passive channel could not decode (also dead-lettered); and a watch task that failed
 * (for example a channel whose file was damaged). The watcher goes on after each call.
 *
 * <pre>{@code
 * CommOptions options = CommOptions.builder()
 *         .failureHandler((context, failure) -> metrics.count(context.kind(), context.source()))
 *         .build();
 * }</pre>
 *
 * <p>The default, {@link #logging()}, logs each failure at ERROR through SLF4J. Every failure is
 * counted whatever the policy ({@code handlerErrors} and {@code watcherFailures} in JMX). A policy
 * that throws is logged and otherwise ignored. Keep it short: it runs on the thread that serves
 * every passive handler, {@code receiveAsync} and subscriber of the domain in this process.
 */
@FunctionalInterface
public interface FailureHandler {

    /**
     * Handles one failure.
     *
     * @param context what failed: its kind, channel or topic, handler and raw message
     * @param failure what was thrown
     */
    void onFailure(FailureContext context, Throwable failure);

    /**
     * The default policy: one ERROR line with the context and the stack trace, through SLF4J
     * (logger {@code io.litecomm.FailureHandler}).
     *
     * @return the logging policy
     */
    static FailureHandler logging() {
        return Failures.LOGGING;
    }
}
