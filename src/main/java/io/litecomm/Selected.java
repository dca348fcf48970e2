package io.litecomm;

/**
 * What {@link Select} received: the message and the channel it came from.
 *
 * @param channel the channel
 * @param value the message
 * @param <T> payload type
 */
public record Selected<T>(Channel<? extends T> channel, T value) {
}
