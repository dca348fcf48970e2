/**
 * The mailbox file: header and record layout, multi-producer multi-consumer claim and commit on a
 * memory-mapped ring, race-free creation and validation. Knows nothing of codecs or processes.
 */
package io.litecomm.mapped.mailbox;
