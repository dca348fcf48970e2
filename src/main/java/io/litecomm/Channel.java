package io.litecomm;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A named, bounded, closable channel between processes, with Go's semantics: any process sends,
 * each message is received by exactly one process, one total order per channel.
 *
 * <p>A process receives from a channel in one of two modes, fixed by the first receiving call:
 * <em>active</em> ({@link #receive()}, {@link #receive(Duration)}, {@link #tryReceive()},
 * {@link #receiveAsync()}, iteration, {@link Select}) or <em>passive</em> ({@link #onReceive}
 * handlers run by the domain's watcher thread). Mixing them on one channel in one {@link Comm}
 * throws {@link IllegalStateException}. Sending needs no mode.
 *
 * <p>A message that this process takes but cannot decode into {@code T} is never lost: an active
 * receive throws {@link MessageDecodeException} (with the raw bytes), a passive one reports it to
 * the domain's {@link FailureHandler}, and either way the bytes go to the dead-letter channel
 * {@code {name}.dead} (a {@code byte[]} channel any process can drain); the next message is
 * received normally. JSON types are strict: {@code 3.7} or {@code "12"} is no {@code Integer}.
 *
 * <pre>{@code
 * Channel<String> jobs = comm.channel("jobs", String.class);
 * jobs.send("hello");                 // blocks while the channel is full
 * String job = jobs.receive();        // blocks until a message arrives
 * for (String next : jobs) { ... }    // until the channel is closed and drained
 * }</pre>
 *
 * <p>Thread-safe.
 *
 * @param <T> payload type
 */
public interface Channel<T> extends Iterable<T> {

    /**
     * The channel's name in its domain.
     *
     * @return the name
     */
    String name();

    /**
     * Sends, blocking while the channel is full.
     *
     * @param message the message, not {@code null}
     * @throws ChannelClosedException if the channel is or becomes closed while waiting
     * @throws MessageTooLargeException if the encoded message exceeds the channel's maximum
     * @throws CommInterruptedException if the thread is interrupted while waiting
     */
    void send(T message);

    /**
     * Sends if there is room now.
     *
     * @param message the message, not {@code null}
     * @return {@code true} if sent, {@code false} if the channel is full
     * @throws ChannelClosedException if the channel is closed
     * @throws MessageTooLargeException if the encoded message exceeds the channel's maximum
     */
    boolean trySend(T message);

    /**
     * Sends, waiting at most {@code timeout} for room.
     *
     * @param message the message, not {@code null}
     * @param timeout how long to wait
     * @return {@code true} if sent, {@code false} if the time ran out
     * @throws ChannelClosedException if the channel is or becomes closed while waiting
     * @throws MessageTooLargeException if the encoded message exceeds the channel's maximum
     * @throws CommInterruptedException if the thread is interrupted while waiting
     */
    boolean send(T message, Duration timeout);

    /**
     * Receives the next message, blocking until one arrives (active mode).
     *
     * @return the message
     * @throws ChannelClosedException once the channel is closed and drained
     * @throws CommInterruptedException if the thread is interrupted while waiting
     * @throws MessageDecodeException if the message taken cannot be decoded (it was dead-lettered)
     */
    T receive();

    /**
     * Receives the next message, waiting at most {@code timeout} (active mode).
     *
     * @param timeout how long to wait
     * @return the message, or empty if the time ran out or the channel is closed and drained
     * @throws CommInterruptedException if the thread is interrupted while waiting
     * @throws MessageDecodeException if the message taken cannot be decoded (it was dead-lettered)
     */
    Optional<T> receive(Duration timeout);

    /**
     * Receives a message if one is ready (active mode).
     *
     * @return the message, or empty
     * @throws MessageDecodeException if the message taken cannot be decoded (it was dead-lettered)
     */
    Optional<T> tryReceive();

    /**
     * Receives the next message asynchronously (active mode): the domain's watcher thread completes
     * the future. A future cancelled before completion takes no message; the future completes
     * exceptionally with {@link ChannelClosedException} once the channel is closed and drained, and
     * with {@link MessageDecodeException} for a message it cannot decode (dead-lettered).
     *
     * @return the future message
     */
    CompletableFuture<T> receiveAsync();

    /**
     * Runs {@code handler} for every message this process takes (passive mode).
     *
     * @param handler the handler
     * @return a subscription that removes the handler
     */
    Subscription onReceive(Consumer<? super T> handler);

    /**
     * Runs {@code handler} for every message this process takes that {@code filter} accepts
     * (passive mode). Handlers run on the domain's watcher thread, one message at a time in channel
     * order, every accepting handler in registration order. Whatever a filter or handler throws,
     * {@code Error}s included, goes to the domain's {@link FailureHandler} (logged at ERROR by
     * default) and the others still run. A message no filter accepts is dropped; one the handlers'
     * type cannot decode is dead-lettered and reported to the failure handler.
     *
     * @param filter which messages the handler wants
     * @param handler the handler
     * @return a subscription that removes the handler
     */
    Subscription onReceive(Predicate<? super T> filter, Consumer<? super T> handler);

    /**
     * Closes the channel for every process (Go's close): sends then fail, receivers drain what is
     * left and then see the close. Idempotent.
     */
    void close();

    /**
     * Whether any process closed the channel.
     *
     * @return {@code true} if closed
     */
    boolean isClosed();

    /**
     * Messages waiting in the channel, including ones being written. Exact when no one is sending
     * or receiving.
     *
     * @return the count
     */
    int size();
}
