package io.litecomm;

import io.litecomm.codec.Codec;
import io.litecomm.dispatch.WatchTask;
import io.litecomm.spi.MessageQueue;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One channel as seen by one {@link Comm}: the queue, the receive mode, passive handlers and
 * asynchronous receivers. Typed {@link DefaultChannel} views share it. Messages this process took
 * but could not hand over (a cancelled future) wait in a local stash and are received first.
 * Messages no receiver can decode go to the dead-letter channel ({@link DeadLetters}); failures of
 * passive handlers go to the domain's {@link FailureHandler}, whatever they throw.
 */
final class ChannelCore implements WatchTask, ChannelMXBean {

    /** The receive mode of this channel in this process. */
    enum Mode { NONE, ACTIVE, PASSIVE }

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
    private final DeadLetters deadLetters;
    private final FailureHandler failurePolicy;
    private volatile boolean retired;
    private final List<MessageQueue> waitsOn;

    ChannelCore(String name, MessageQueue queue, String directory, Comm comm) {
        this.name = name;
        this.queue = queue;
        this.directory = directory;
        this.deadLetters = new DeadLetters(comm, this);
        this.failurePolicy = comm.options().failureHandler();
        this.waitsOn = List.of(queue);
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

    @Override
    public long getDeadLettered() {
        return deadLetters.written();
    }

    @Override
    public long getDeadLetterFailures() {
        return deadLetters.failed();
    }

    /**
     * A message this process took but cannot decode: moves its bytes to the dead-letter channel and
     * returns the exception for the receiver. Only on the failure path.
     */
    MessageDecodeException undecodable(byte[] bytes, Codec<?> codec, Throwable cause) {
        String problem = cause == null ? "decodes to null" : problem(cause);
        boolean written = deadLetters.write(bytes, codec.descriptor(), problem);
        return new MessageDecodeException(name, codec.descriptor(), bytes, deadLetters.channelName(), written, problem,
                cause);
    }

    private static String problem(Throwable cause) {
        String message = cause.getMessage();
        if (message == null) {
            return cause.getClass().getName();
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
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

    /** Takes a message this process stashed, or {@code null}: a select looks here before the queues. */
    byte[] takeStashed() {
        return stash.pollFirst();
    }

    /** Counts a message a select took from this channel's queue. */
    void countReceived() {
        received.increment();
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
        try {
            int work = 0;
            if (current == Mode.PASSIVE) {
                work = handlers.isEmpty() ? 0 : dispatchPassive();
            } else if (current == Mode.ACTIVE && !waiters.isEmpty()) {
                work = serveWaiters();
            }
            return work;
        } catch (InternalError fault) {
            // The JVM may report a fault on a mapping late, in whichever task the watcher runs next:
            // only a queue whose transport finds its storage damaged fails its waiters. Any other
            // fault is passed on: the watcher reports it and tries again.
            RuntimeException failure = Errors.storageFault(queue, fault);
            failWaiters(failure);
            throw failure;
        } catch (RuntimeException failure) {
            // a damaged file: pending futures learn of it now; the watcher reports it and backs off
            failWaiters(failure);
            throw failure;
        }
    }

    @Override
    public boolean isDone() {
        return retired;
    }

    @Override
    public List<MessageQueue> waitsOn() {
        Mode current = mode.get();
        boolean wants = current == Mode.PASSIVE ? !handlers.isEmpty() : current == Mode.ACTIVE && !waiters.isEmpty();
        return wants && stash.isEmpty() ? waitsOn : List.of();
    }

    @Override
    public String toString() {
        return "channel=" + name + " file=" + queue.location();
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
        boolean deadLettered = false;
        for (Handler<?> handler : handlers) {
            if (handler.codec != lastCodec) {
                lastCodec = handler.codec;
                Throwable cause = null;
                try {
                    decoded = handler.codec.decode(message);
                } catch (RuntimeException | StackOverflowError e) {
                    decoded = null;
                    cause = e;
                }
                decodedOk = decoded != null;
                if (!decodedOk) {
                    // one copy in the dead-letter channel, one report per type that cannot read it
                    handlerErrors.incrementAndGet();
                    MessageDecodeException failure = deadLettered
                            ? new MessageDecodeException(name, handler.codec.descriptor(), message,
                                    deadLetters.channelName(), true, cause == null ? "decodes to null" : problem(cause), cause)
                            : undecodable(message, handler.codec, cause);
                    deadLettered = true;
                    Failures.report(failurePolicy, new FailureContext(FailureContext.Kind.DECODE, name, handler.consumer,
                            message), failure);
                }
            }
            if (decodedOk) {
                handler.run(decoded, message);
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
        failWaiters(new ChannelClosedException("channel closed: channel=" + name));
    }

    private void failWaiters(RuntimeException failure) {
        Waiter<?> waiter;
        while ((waiter = waiters.poll()) != null) {
            waiter.future.completeExceptionally(failure);
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

        /**
         * Runs the filter and the consumer. Whatever they throw, {@code Error}s included (an
         * {@code OutOfMemoryError} frees what the handler allocated; an {@code InternalError} from a
         * mapping of the user's is the user's), goes to the failure policy: one handler's fault
         * never stops the others or the watcher.
         */
        @SuppressWarnings("unchecked")
        void run(Object decoded, byte[] message) {
            T value = (T) decoded;
            try {
                if (filter.test(value)) {
                    consumer.accept(value);
                }
            } catch (Throwable failure) {
                handlerErrors.incrementAndGet();
                Failures.report(failurePolicy, new FailureContext(FailureContext.Kind.CHANNEL_HANDLER, name, consumer,
                        message), failure);
            }
        }
    }

    /** A pending {@code receiveAsync}. */
    private final class Waiter<T> {
        final Codec<T> codec;
        final CompletableFuture<T> future;

        Waiter(Codec<T> codec, CompletableFuture<T> future) {
            this.codec = codec;
            this.future = future;
        }

        /**
         * Completes with the message; {@code false} if the future was cancelled meanwhile. A message
         * that cannot be decoded is dead-lettered and fails the future: it is consumed either way.
         */
        boolean complete(byte[] message) {
            T value;
            Throwable cause = null;
            try {
                value = codec.decode(message);
            } catch (RuntimeException | StackOverflowError e) {
                value = null;
                cause = e;
            }
            if (value == null) {
                future.completeExceptionally(undecodable(message, codec, cause));
                return true;
            }
            return future.complete(value);
        }
    }
}
