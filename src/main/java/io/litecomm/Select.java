package io.litecomm;

import io.litecomm.spi.MessageQueue;
import io.litecomm.spi.PolledMessage;
import io.litecomm.spi.WaitMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Receives from whichever of several channels has a message first, like Go's {@code select}.
 *
 * <p>Fair: each call starts looking one channel after the one that served the previous call, so a
 * busy channel cannot starve the others. A call never takes more than one message. Channels that
 * are closed and drained are skipped. Uses active mode on every channel.
 *
 * <pre>{@code
 * Select<String> select = Select.of(orders, cancellations);
 * Selected<String> next = select.receive();
 * log.info("{} from {}", next.value(), next.channel().name());
 * }</pre>
 *
 * <p>Thread-safe.
 *
 * @param <T> common payload type
 */
public final class Select<T> {

    private final List<DefaultChannel<? extends T>> channels;
    private final List<MessageQueue> queues;
    private final AtomicInteger next = new AtomicInteger();

    private Select(List<DefaultChannel<? extends T>> channels) {
        this.channels = channels;
        List<MessageQueue> list = new ArrayList<>(channels.size());
        for (DefaultChannel<? extends T> channel : channels) {
            list.add(channel.core().queue());
        }
        this.queues = List.copyOf(list);
    }

    /**
     * Selects over channels.
     *
     * @param channels one or more channels, opened from a {@link Comm}
     * @param <T> common payload type
     * @return the select
     * @throws IllegalArgumentException if none is given or a channel was not opened by litecomm
     * @throws IllegalStateException if a channel is in passive mode in this process
     */
    @SafeVarargs
    public static <T> Select<T> of(Channel<? extends T>... channels) {
        if (channels.length == 0) {
            throw new IllegalArgumentException("select needs at least one channel");
        }
        List<DefaultChannel<? extends T>> list = new ArrayList<>(channels.length);
        for (Channel<? extends T> channel : channels) {
            Objects.requireNonNull(channel, "channel");
            if (!(channel instanceof DefaultChannel<? extends T> own)) {
                throw new IllegalArgumentException("not a litecomm channel: " + channel);
            }
            own.core().enter(ChannelCore.Mode.ACTIVE);
            list.add(own);
        }
        return new Select<>(List.copyOf(list));
    }

    /**
     * Receives from the first channel with a message, blocking until one has one.
     *
     * @return the message and its channel
     * @throws ChannelClosedException once every channel is closed and drained
     * @throws CommInterruptedException if the thread is interrupted while waiting
     * @throws MessageDecodeException if the message taken cannot be decoded (it was dead-lettered;
     *     the next call goes on)
     */
    public Selected<T> receive() {
        return await(Long.MAX_VALUE).orElseThrow(() ->
                new ChannelClosedException("every channel of the select is closed and drained: channels=" + names()));
    }

    /**
     * Receives from the first channel with a message, waiting at most {@code timeout}.
     *
     * @param timeout how long to wait
     * @return the message and its channel, or empty if the time ran out or every channel is closed
     *     and drained
     */
    public Optional<Selected<T>> receive(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        long nanos = timeout.isNegative() ? 0 : saturatedNanos(timeout);
        return await(nanos);
    }

    /**
     * Receives from a channel that has a message now.
     *
     * @return the message and its channel, or empty
     */
    public Optional<Selected<T>> tryReceive() {
        return await(0);
    }

    private Optional<Selected<T>> await(long timeoutNanos) {
        long deadline = timeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + timeoutNanos;
        if (deadline == Long.MAX_VALUE && timeoutNanos != Long.MAX_VALUE) {
            deadline--;
        }
        while (true) {
            Optional<Selected<T>> taken = takeOne();
            if (taken.isPresent()) {
                return taken;
            }
            boolean allDrained = true;
            for (DefaultChannel<? extends T> channel : channels) {
                allDrained &= channel.core().isDrained();
            }
            if (allDrained || timeoutNanos == 0
                    || deadline != Long.MAX_VALUE && System.nanoTime() - deadline >= 0) {
                return Optional.empty();
            }
            if (Thread.interrupted()) {
                throw Errors.interrupted("select on " + names());
            }
            Comm comm = channels.get(0).comm();
            comm.checkOpen();
            try {
                comm.awaitAnyReadable(queues, deadline, WaitMode.BACKOFF);
            } catch (RuntimeException e) {
                throw Errors.translate(e);
            }
        }
    }

    /** One step: a stashed message first, else exactly one message from the queues, in one transport call. */
    private Optional<Selected<T>> takeOne() {
        int count = channels.size();
        int first = Math.floorMod(next.get(), count);
        for (int i = 0; i < count; i++) {
            int index = (first + i) % count;
            byte[] stashed = channels.get(index).core().takeStashed();
            if (stashed != null) {
                next.set(index + 1);
                return Optional.of(selected(channels.get(index), stashed));
            }
        }
        PolledMessage polled;
        try {
            polled = channels.get(0).comm().pollAny(queues, first);
        } catch (RuntimeException e) {
            throw Errors.translate(e);
        }
        if (polled == null) {
            return Optional.empty();
        }
        next.set(polled.index() + 1);
        DefaultChannel<? extends T> channel = channels.get(polled.index());
        channel.core().countReceived();
        return Optional.of(selected(channel, polled.payload()));
    }

    private Selected<T> selected(DefaultChannel<? extends T> channel, byte[] bytes) {
        return new Selected<>(channel, channel.decodeSelected(bytes));
    }

    private List<String> names() {
        List<String> names = new ArrayList<>();
        for (DefaultChannel<? extends T> channel : channels) {
            names.add(channel.name());
        }
        return names;
    }

    private static long saturatedNanos(Duration timeout) {
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE - 1;
        }
    }
}
