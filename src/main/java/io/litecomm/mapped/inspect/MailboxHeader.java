package io.litecomm.mapped.inspect;

/**
 * The immutable part of a mailbox header, as read and validated at open.
 *
 * @param version version word
 * @param capacity ring capacity in bytes
 * @param maxMessage largest payload in bytes
 * @param typeDescriptor payload type descriptor
 */
public record MailboxHeader(int version, int capacity, int maxMessage, String typeDescriptor) {
}
