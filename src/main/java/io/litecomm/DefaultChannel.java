package io.litecomm;

import io.litecomm.codec.Codec;
import io.litecomm.codec.Codecs;
import io.litecomm.spi.MessageQueue;
import io.litecomm.spi.WaitMode;
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
    /** Spins before sleeping on a bell. */
    private static final int BELL_SPINS = 2_000;
    /** A sleeper re-checks at least this often, whatever happens to its bell. */
    private static final long MAX_BELL_SLEEP_NANOS = 100_000_000L;
    private static final long BELL_TABLE_FULL_PARK_NANOS = 50_000L;

    private final Comm comm;
    private final ChannelCore core;
    private final Codec<T> codec;
    private final WaitMode waitMode;

    DefaultChannel(Comm comm, ChannelCore core, Codec<T> codec, WaitStrategy strategy) {
        this.comm = comm;
        this.core = core;
        this.codec = codec;
        this.waitMode = Comm.waitMode(strategy);
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
        try {
            offer(message, FOREVER);
        } catch (InternalError fault) {
            throw Errors.storageFault(core.queue(), fault);
        }
    }

    @Override
    public boolean trySend(T message) {
        try {
            return offer(message, 0);
        } catch (InternalError fault) {
            throw Errors.storageFault(core.queue(), fault);
        }
    }

    @Override
    public boolean send(T message, Duration timeout) {
        try {
            return offer(message, timeoutNanos(timeout));
        } catch (InternalError fault) {
            throw Errors.storageFault(core.queue(), fault);
        }
    }

    private boolean offer(T message, long timeoutNanos) {
        Objects.requireNonNull(message, "message");
        comm.checkOpen();
        byte[] bytes = encode(message);
        MessageQueue queue = core.queue();
        if (bytes.length > queue.maxMessageLength()) {
            throw new MessageTooLargeException(name(), bytes.length, queue.maxMessageLength());
        }
        long deadline = deadline(timeoutNanos);
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
            if (timeoutNanos == 0 || deadline != FOREVER && System.nanoTime() - deadline >= 0) {
                return false;
            }
            beforeWait("send on channel ");
            try {
                queue.awaitWritable(bytes.length, deadline, waitMode);
            } catch (RuntimeException e) {
                throw Errors.translate(e);
            }
        }
    }

    /** A deadline on {@link System#nanoTime()} for a timeout; {@link #FOREVER} stays forever. */
    private static long deadline(long timeoutNanos) {
        if (timeoutNanos == FOREVER) {
            return FOREVER;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        return deadline == FOREVER ? FOREVER - 1 : deadline;
    }

    private void beforeWait(String operation) {
        if (Thread.interrupted()) {
            throw Errors.interrupted(operation + name());
        }
        comm.checkOpen();
    }

    // The public operations catch InternalError once more: the JVM may report a fault on the
    // mapping (SIGBUS) only after the access, when the inner handler has returned.

    @Override
    public T receive() {
        try {
            byte[] bytes = await(FOREVER);
            if (bytes == null) {
                throw new ChannelClosedException("channel closed and drained: channel=" + name()
                        + " file=" + core.queue().location());
            }
            return decode(bytes);
        } catch (InternalError fault) {
            throw Errors.storageFault(core.queue(), fault);
        }
    }

    @Override
    public Optional<T> receive(Duration timeout) {
        try {
            return decodeOptional(await(timeoutNanos(timeout)));
        } catch (InternalError fault) {
            throw Errors.storageFault(core.queue(), fault);
        }
    }

    @Override
    public Optional<T> tryReceive() {
        try {
            return decodeOptional(await(0));
        } catch (InternalError fault) {
            throw Errors.storageFault(core.queue(), fault);
        }
    }

    private Optional<T> decodeOptional(byte[] bytes) {
        return bytes == null ? Optional.empty() : Optional.ofNullable(decode(bytes));
    }

    /** The next message's bytes; {@code null} when the time ran out or the channel is closed and drained. */
    private byte[] await(long timeoutNanos) {
        try {
            return awaitBytes(timeoutNanos);
        } catch (InternalError fault) {
            throw Errors.storageFault(core.queue(), fault);
        }
    }

    private byte[] awaitBytes(long timeoutNanos) {
        comm.checkOpen();
        core.enter(ChannelCore.Mode.ACTIVE);
        byte[] bytes = core.take();
        if (bytes != null || timeoutNanos == 0) {
            return bytes;
        }
        long deadline = deadline(timeoutNanos);
        MessageQueue queue = core.queue();
        while (true) {
            if (core.isDrained() || deadline != FOREVER && System.nanoTime() - deadline >= 0) {
                return null;
            }
            beforeWait("receive on channel ");
            try {
                queue.awaitReadable(deadline, waitMode);
            } catch (RuntimeException e) {
                throw Errors.translate(e);
            }
            bytes = core.take();
            if (bytes != null) {
                return bytes;
            }
        }
    }

    /** Decodes a message a select took from this channel (dead-lettered and reported if it cannot be). */
    T decodeSelected(byte[] bytes) {
        return decode(bytes);
    }

    @Override
    public CompletableFuture<T> receiveAsync() {
        comm.checkOpen();
        core.enter(ChannelCore.Mode.ACTIVE);
        byte[] now = core.take();
        if (now != null) {
            try {
                return CompletableFuture.completedFuture(decode(now));
            } catch (MessageDecodeException undecodable) {
                return CompletableFuture.failedFuture(undecodable);
            }
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
        try {
            core.queue().close();
        } catch (RuntimeException e) {
            throw Errors.translate(e); // a damaged file: CorruptFileException
        }
        comm.wakeWatcher();
    }

    @Override
    public boolean isClosed() {
        try {
            return core.queue().isClosed();
        } catch (RuntimeException e) {
            throw Errors.translate(e);
        }
    }

    @Override
    public int size() {
        try {
            return core.size();
        } catch (InternalError fault) {
            throw Errors.storageFault(core.queue(), fault);
        } catch (RuntimeException e) {
            throw Errors.translate(e);
        }
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

    /** Decodes; a message that cannot be decoded is dead-lettered and thrown as {@link MessageDecodeException}. */
    private T decode(byte[] bytes) {
        T value;
        try {
            value = codec.decode(bytes);
        } catch (RuntimeException | StackOverflowError e) {
            throw core.undecodable(bytes, codec, e);
        }
        if (value == null) {
            throw core.undecodable(bytes, codec, null);
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
