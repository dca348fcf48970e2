package io.litecomm.spi;

/**
 * A message taken by {@link Transport#pollAny}: which queue it came from and its bytes.
 *
 * @param index the queue's index in the list given to {@code pollAny}
 * @param payload the message's bytes
 */
public record PolledMessage(int index, byte[] payload) {
}
