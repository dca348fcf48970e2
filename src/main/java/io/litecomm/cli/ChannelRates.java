package io.litecomm.cli;

import io.litecomm.mapped.inspect.MailboxReader;

/**
 * Counts the messages that arrive on one channel between two looks, for {@code stat}. Messages
 * in are counted by walking the records claimed since the last look (still intact unless a whole
 * ring was written in between, in which case the lost stretch is estimated from the average record
 * size seen); messages out follow from messages in and the change in depth.
 */
final class ChannelRates {

    private static final double DEFAULT_FRAME = 64;

    private long cursor;
    private long messagesIn;
    private long framesSeen;
    private long frameBytesSeen;
    private Sample last;

    /**
     * One look at a channel.
     *
     * @param nanos when ({@code System.nanoTime})
     * @param head head position
     * @param tail tail position
     * @param messages messages waiting
     * @param messagesIn messages committed since the first look
     * @param closed closed flag
     * @param producers live producer processes
     */
    record Sample(long nanos, long head, long tail, int messages, long messagesIn, boolean closed, int producers) {
    }

    /**
     * Rates between two looks, per second.
     *
     * @param messagesIn messages sent
     * @param messagesOut messages received
     * @param bytesIn ring bytes claimed by senders
     * @param bytesOut ring bytes released by receivers
     */
    record Rates(double messagesIn, double messagesOut, double bytesIn, double bytesOut) {
    }

    ChannelRates(MailboxReader view) {
        this.cursor = view.tail();
    }

    /**
     * Looks at the channel now.
     *
     * @param view the channel
     * @return the sample, also remembered as the last one
     */
    Sample sample(MailboxReader view) {
        advance(view);
        last = new Sample(System.nanoTime(), view.head(), view.tail(), view.size(), messagesIn, view.closed(),
                view.liveProducerPids().size());
        return last;
    }

    Sample last() {
        return last;
    }

    /** Counts the records committed since the cursor; stops at one still being written. */
    private void advance(MailboxReader view) {
        while (true) {
            MailboxReader.Slot slot = view.peek(cursor, false);
            switch (slot.kind()) {
                case MESSAGE -> {
                    messagesIn++;
                    framesSeen++;
                    frameBytesSeen += slot.next() - cursor;
                    cursor = slot.next();
                }
                case PADDING -> cursor = slot.next();
                case OVERWRITTEN -> {
                    long head = view.head();
                    double frame = framesSeen == 0 ? DEFAULT_FRAME : (double) frameBytesSeen / framesSeen;
                    messagesIn += Math.round((head - cursor) / frame);
                    cursor = head;
                }
                default -> {
                    return;
                }
            }
        }
    }

    /**
     * Rates from one sample to the next.
     *
     * @param from the earlier sample
     * @param to the later one
     * @return per-second rates
     */
    static Rates between(Sample from, Sample to) {
        double seconds = Math.max(1e-9, (to.nanos() - from.nanos()) / 1e9);
        long in = to.messagesIn() - from.messagesIn();
        long out = Math.max(0, in + from.messages() - to.messages());
        return new Rates(in / seconds, out / seconds, (to.tail() - from.tail()) / seconds, (to.head() - from.head()) / seconds);
    }
}
