/**
 * One reader and validator per on-disk format of the mapped transport, shared by the transport
 * and the {@code litecomm} command, so the two never disagree on what a file may hold:
 * <ul>
 *   <li>mailbox ({@code NAME.chan}): {@link io.litecomm.mapped.inspect.MailboxLayout},
 *       {@link io.litecomm.mapped.inspect.MailboxFile} (header), {@link io.litecomm.mapped.inspect.MailboxDamage}
 *       (counters, live header), {@link io.litecomm.mapped.inspect.MailboxRecords} (records that prove
 *       themselves, the type and length rule), {@link io.litecomm.mapped.inspect.MailboxReader} (a live
 *       file read without taking part), {@link io.litecomm.mapped.inspect.MailboxCheck},
 *       {@link io.litecomm.mapped.inspect.MailboxSalvage};</li>
 *   <li>storage page ({@code storage.page}): {@link io.litecomm.mapped.inspect.StoragePageLayout},
 *       {@link io.litecomm.mapped.inspect.StoragePageFile} (header, slots),
 *       {@link io.litecomm.mapped.inspect.StorageRecords} (records, CRC-32C),
 *       {@link io.litecomm.mapped.inspect.StorageLog} (versions, decoding),
 *       {@link io.litecomm.mapped.inspect.StoragePageCheck};</li>
 *   <li>pub/sub ring ({@code pubsub.ring}): {@link io.litecomm.mapped.inspect.PubSubLayout},
 *       {@link io.litecomm.mapped.inspect.PubSubFrames} (header, positions, frames),
 *       {@link io.litecomm.mapped.inspect.PubSubCheck}.</li>
 * </ul>
 * Tools open files with {@link io.litecomm.mapped.inspect.InspectedFile}, through this JVM's one
 * channel per file, so an inspection inside a process that uses the domain never drops its locks.
 * Damage is a {@link io.litecomm.mapped.inspect.CorruptFormatException} naming the file and the rule.
 */
package io.litecomm.mapped.inspect;
