package io.litecomm.spi;

/**
 * What a queue is created with: recorded once, by whichever process creates it first.
 *
 * @param typeDescriptor payload type descriptor
 * @param capacity storage for messages, in bytes
 * @param maxMessageLength largest payload in bytes
 */
public record QueueSpec(String typeDescriptor, int capacity, int maxMessageLength) {
}
