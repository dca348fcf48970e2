package io.litecomm;

import io.litecomm.codec.Codec;
import io.litecomm.codec.Codecs;
import io.litecomm.dispatch.IdleStrategy;
import io.litecomm.spi.MessageQueue;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A typed view of a {@link ChannelCore}: encodes and decodes with its codec and waits with the
 * domain's idle strategy.
 *
 * @param <T> payload type
 */
final class DefaultChannel<T> implements Channel<T> {

    private static final long FOREVER = Long.MAX_VALUE;

    private final Comm comm;
    private final ChannelCore core;
    private final Codec<T> codec;

    DefaultChannel(Comm comm, ChannelCore core, Codec<T> codec) {
        this.comm = comm;
        this.core = core;
        this.codec = codec;
    }

    Comm comm() {
        return comm;
    }

    ChannelCore core() {
        return core;
    }

    Codec<T> codec() {
        return codec;
    }

    @Override
    public String name() {
        return core.name();
    }

    @Override
    public void send(T message) {
        offer(message, FOREVER);
    }

    @Override
    public boolean trySend(T message) {
        return offer(message, 0);
    }

    @Override
    public boolean send(T message, Duration timeout) {
        return offer(message, timeoutNanos(timeout));
    }

    private boolean offer(T message, long timeoutNanos) {
        Objects.requireNonNull(message, "message");
        comm.checkOpen();
        byte[] bytes = encode(message);
        MessageQueue queue = core.queue();
        if (bytes.length > queue.maxMessageLength()) {
            throw new MessageTooLargeException(name(), bytes.length, queue.maxMessageLength());
        }
        long start = timeoutNanos == FOREVER || timeoutNanos == 0 ? 0 : System.nanoTime();
        IdleStrategy idle = null;
        while (true) {
            int result;
            try {
                result = queue.offer(bytes);
            } catch (RuntimeException e) {
                throw Errors.translate(e);
            }
            if (result == MessageQueue.OFFERED) {
                core.countSent();
                return true;
            }
            if (result == MessageQueue.CLOSED) {
                throw new ChannelClosedException("channel closed: channel=" + name() + " file=" + queue.location());
            }
            if (timeoutNanos == 0 || timeoutNanos != FOREVER && System.nanoTime() - start >= timeoutNanos) {
                return false;
            }
            idle = idle(idle, "send on channel ");
        }
    }

    private IdleStrategy idle(IdleStrategy idle, String operation) {
        if (Thread.interrupted()) {
            throw Errors.interrupted(operation + name());
        }
        comm.checkOpen();
        IdleStrategy strategy = idle;
        if (strategy == null) {
            strategy = comm.idleStrategy();
            strategy.reset();
        }
        strategy.idle(0);
        return strategy;
    }

    @Override
    public T receive() {
        byte[] bytes = await(FOREVER);
        if (bytes == null) {
            throw new ChannelClosedException("channel closed and drained: channel=" + name()
                    + " file=" + core.queue().location());
        }
        return decode(bytes);
    }

    @Override
    public Optional<T> receive(Duration timeout) {
        return decodeOptional(await(timeoutNanos(timeout)));
    }

    @Override
    public Optional<T> tryReceive() {
        return decodeOptional(await(0));
    }

    private Optional<T> decodeOptional(byte[] bytes) {
        return bytes == null ? Optional.empty() : Optional.ofNullable(decode(bytes));
    }

    /** The next message's bytes; {@code null} when the time ran out or the channel is closed and drained. */
    private byte[] await(long timeoutNanos) {
        comm.checkOpen();
        core.enter(ChannelCore.Mode.ACTIVE);
        byte[] bytes = core.take();
        if (bytes != null || timeoutNanos == 0) {
            return bytes;
        }
        long start = timeoutNanos == FOREVER ? 0 : System.nanoTime();
        IdleStrategy idle = null;
        while (true) {
            bytes = core.take();
            if (bytes != null) {
                return bytes;
            }
            if (core.isDrained() || timeoutNanos != FOREVER && System.nanoTime() - start >= timeoutNanos) {
                return null;
            }
            idle = idle(idle, "receive on channel ");
        }
    }

    /** One message if ready, for {@link Select}; mode already checked. */
    Optional<T> pollNow() {
        byte[] bytes = core.take();
        return bytes == null ? Optional.empty() : Optional.of(decode(bytes));
    }

    @Override
    public CompletableFuture<T> receiveAsync() {
        comm.checkOpen();
        core.enter(ChannelCore.Mode.ACTIVE);
        byte[] now = core.take();
        if (now != null) {
            return CompletableFuture.completedFuture(decode(now));
        }
        CompletableFuture<T> future = new CompletableFuture<>();
        core.await(codec, future);
        comm.watch(core);
        return future;
    }

    @Override
    public Subscription onReceive(Consumer<? super T> handler) {
        return onReceive(message -> true, handler);
    }

    @Override
    public Subscription onReceive(Predicate<? super T> filter, Consumer<? super T> handler) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(handler, "handler");
        comm.checkOpen();
        core.enter(ChannelCore.Mode.PASSIVE);
        Subscription subscription = core.subscribe(codec, filter, handler);
        comm.watch(core);
        return subscription;
    }

    @Override
    public void close() {
        comm.checkOpen();
        core.queue().close();
        comm.wakeWatcher();
    }

    @Override
    public boolean isClosed() {
        return core.queue().isClosed();
    }

    @Override
    public int size() {
        return core.size();
    }

    @Override
    public Iterator<T> iterator() {
        core.enter(ChannelCore.Mode.ACTIVE);
        return new Iterator<>() {
            private T next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    byte[] bytes = await(FOREVER);
                    next = bytes == null ? null : decode(bytes);
                }
                return next != null;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("channel closed and drained: channel=" + name());
                }
                T value = next;
                next = null;
                return value;
            }
        };
    }

    private static final byte[] JSON_NULL = {'n', 'u', 'l', 'l'};

    private byte[] encode(T message) {
        try {
            byte[] bytes = codec.encode(message);
            if (codec.descriptor().startsWith(Codecs.JSON_PREFIX) && java.util.Arrays.equals(bytes, JSON_NULL)) {
                throw new IllegalArgumentException("message encodes to JSON null: channel=" + name()
                        + "; null is never a message");
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw new CommException("cannot encode message: channel=" + name() + " type=" + codec.descriptor()
                    + " cause=" + e.getMessage(), e);
        }
    }

    private T decode(byte[] bytes) {
        T value;
        try {
            value = codec.decode(bytes);
        } catch (IllegalArgumentException e) {
            throw new CommException("cannot decode message: channel=" + name() + " type=" + codec.descriptor()
                    + " length=" + bytes.length + " cause=" + e.getMessage(), e);
        }
        if (value == null) {
            throw new CommException("cannot decode message: channel=" + name() + " type=" + codec.descriptor()
                    + " length=" + bytes.length + " cause=decodes to null");
        }
        return value;
    }

    private static long timeoutNanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            return 0;
        }
        try {
            return Math.max(0, timeout.toNanos());
        } catch (ArithmeticException tooLong) {
            return FOREVER - 1;
        }
    }

    @Override
    public String toString() {
        return "Channel[" + name() + " " + codec.descriptor() + " " + core.queue().location() + "]";
    }
}
