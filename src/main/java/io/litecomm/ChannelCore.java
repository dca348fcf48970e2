package io.litecomm;

import io.litecomm.codec.Codec;
import io.litecomm.dispatch.WatchTask;
import io.litecomm.spi.MessageQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One channel as seen by one {@link Comm}: the queue, the receive mode, passive handlers and
 * asynchronous receivers. Typed {@link DefaultChannel} views share it. Messages this process took
 * but could not hand over (a cancelled future) wait in a local stash and are received first.
 */
final class ChannelCore implements WatchTask, ChannelMXBean {

    /** The receive mode of this channel in this process. */
    enum Mode { NONE, ACTIVE, PASSIVE }

    private static final Logger LOG = LoggerFactory.getLogger(ChannelCore.class);
    private static final int BATCH = 64;

    private final String name;
    private final MessageQueue queue;
    private final AtomicReference<Mode> mode = new AtomicReference<>(Mode.NONE);
    private final ConcurrentLinkedDeque<byte[]> stash = new ConcurrentLinkedDeque<>();
    private final CopyOnWriteArrayList<Handler<?>> handlers = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Waiter<?>> waiters = new ConcurrentLinkedQueue<>();
    private final AtomicLong handlerErrors = new AtomicLong();
    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final String directory;
    private volatile boolean retired;

    ChannelCore(String name, MessageQueue queue, String directory) {
        this.name = name;
        this.queue = queue;
        this.directory = directory;
    }

    String name() {
        return name;
    }

    MessageQueue queue() {
        return queue;
    }

    void countSent() {
        sent.increment();
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public String getDirectory() {
        return directory;
    }

    @Override
    public String getTypeDescriptor() {
        return queue.typeDescriptor();
    }

    @Override
    public String getMode() {
        return mode.get().name();
    }

    @Override
    public int getDepth() {
        return size();
    }

    @Override
    public boolean isClosed() {
        return queue.isClosed();
    }

    @Override
    public long getSent() {
        return sent.sum();
    }

    @Override
    public long getReceived() {
        return received.sum();
    }

    @Override
    public long getHandlerErrors() {
        return handlerErrors.get();
    }

    /** Fixes the receive mode on first use; a different mode later is a usage error. */
    void enter(Mode wanted) {
        Mode current = mode.get();
        if (current == wanted || current == Mode.NONE && mode.compareAndSet(Mode.NONE, wanted)) {
            return;
        }
        current = mode.get();
        if (current != wanted) {
            throw new IllegalStateException("channel " + name + " is in " + describe(current)
                    + " in this process; " + describe(wanted)
                    + " is not allowed: one receive mode per channel per process");
        }
    }

    private static String describe(Mode mode) {
        return mode == Mode.PASSIVE ? "passive mode (onReceive)"
                : "active mode (receive/tryReceive/receiveAsync/iterator/Select)";
    }

    /** Takes the next message for this process, or {@code null}. */
    byte[] take() {
        byte[] stashed = stash.pollFirst();
        if (stashed != null) {
            return stashed;
        }
        byte[] taken;
        try {
            taken = queue.poll();
        } catch (RuntimeException e) {
            throw Errors.translate(e);
        }
        if (taken != null) {
            received.increment();
        }
        return taken;
    }

    boolean isDrained() {
        return stash.isEmpty() && queue.isClosedAndDrained();
    }

    int size() {
        return stash.size() + queue.size();
    }

    <T> Subscription subscribe(Codec<T> codec, Predicate<? super T> filter, Consumer<? super T> consumer) {
        Handler<T> handler = new Handler<>(codec, filter, consumer);
        handlers.add(handler);
        return () -> handlers.remove(handler);
    }

    <T> void await(Codec<T> codec, CompletableFuture<T> future) {
        waiters.add(new Waiter<>(codec, future));
    }

    @Override
    public int doWork() {
        Mode current = mode.get();
        if (current == Mode.PASSIVE) {
            return handlers.isEmpty() ? 0 : dispatchPassive();
        }
        if (current == Mode.ACTIVE && !waiters.isEmpty()) {
            return serveWaiters();
        }
        return 0;
    }

    @Override
    public boolean isDone() {
        return retired;
    }

    /** This process no longer uses the channel (deleted): the watcher drops it. */
    void retire() {
        retired = true;
    }

    private int dispatchPassive() {
        int work = 0;
        while (work < BATCH) {
            byte[] message = take();
            if (message == null) {
                break;
            }
            work++;
            deliver(message);
        }
        return work;
    }

    private void deliver(byte[] message) {
        Codec<?> lastCodec = null;
        Object decoded = null;
        boolean decodedOk = false;
        for (Handler<?> handler : handlers) {
            if (handler.codec != lastCodec) {
                lastCodec = handler.codec;
                try {
                    decoded = handler.codec.decode(message);
                    decodedOk = true;
                } catch (RuntimeException e) {
                    decodedOk = false;
                    handlerErrors.incrementAndGet();
                    LOG.error("cannot decode message for handler: channel={} type={} length={}", name,
                            handler.codec.descriptor(), message.length, e);
                }
            }
            if (decodedOk) {
                handler.run(decoded);
            }
        }
    }

    private int serveWaiters() {
        int work = 0;
        Waiter<?> head;
        while ((head = waiters.peek()) != null) {
            if (head.future.isDone()) {
                waiters.remove(head);
                continue;
            }
            byte[] message = take();
            if (message == null) {
                if (isDrained()) {
                    failWaiters();
                }
                break;
            }
            work++;
            if (!handOver(message)) {
                stash.offerFirst(message);
            }
        }
        return work;
    }

    private boolean handOver(byte[] message) {
        Waiter<?> waiter;
        while ((waiter = waiters.poll()) != null) {
            if (waiter.complete(message)) {
                return true;
            }
        }
        return false;
    }

    private void failWaiters() {
        Waiter<?> waiter;
        while ((waiter = waiters.poll()) != null) {
            waiter.future.completeExceptionally(new ChannelClosedException("channel closed: channel=" + name));
        }
    }

    /** Fails pending futures when the domain closes. */
    void abandon(String reason) {
        Waiter<?> waiter;
        while ((waiter = waiters.poll()) != null) {
            waiter.future.completeExceptionally(new IllegalStateException(reason + ": channel=" + name));
        }
    }

    /** A passive handler. */
    private final class Handler<T> {
        final Codec<T> codec;
        final Predicate<? super T> filter;
        final Consumer<? super T> consumer;

        Handler(Codec<T> codec, Predicate<? super T> filter, Consumer<? super T> consumer) {
            this.codec = codec;
            this.filter = filter;
            this.consumer = consumer;
        }

        @SuppressWarnings("unchecked")
        void run(Object decoded) {
            T value = (T) decoded;
            try {
                if (filter.test(value)) {
                    consumer.accept(value);
                }
            } catch (OutOfMemoryError | InternalError fatal) {
                throw fatal;
            } catch (RuntimeException | Error e) {
                handlerErrors.incrementAndGet();
                LOG.error("handler failed: channel={} handler={}", name, consumer, e);
            }
        }
    }

    /** A pending {@code receiveAsync}. */
    private static final class Waiter<T> {
        final Codec<T> codec;
        final CompletableFuture<T> future;

        Waiter(Codec<T> codec, CompletableFuture<T> future) {
            this.codec = codec;
            this.future = future;
        }

        /** Completes with the message; {@code false} if the future was cancelled meanwhile. */
        boolean complete(byte[] message) {
            T value;
            try {
                value = codec.decode(message);
            } catch (RuntimeException e) {
                return future.completeExceptionally(e);
            }
            return future.complete(value);
        }
    }
}
