/**
 * One reader and validator per on-disk format of the mapped transport (mailbox, storage page,
 * pub/sub ring), shared by the transport and the {@code litecomm} command.
 */
package io.litecomm.mapped.inspect;
