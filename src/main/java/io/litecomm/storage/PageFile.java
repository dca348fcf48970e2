package io.litecomm.storage;

import io.litecomm.mailbox.FileLocks;
import java.nio.MappedByteBuffer;

/**
 * One file that has held the shared-memory page, as mapped by this process: its lock handle, its
 * mapping (the whole file) and its identity, to tell it from a file renamed over it later.
 *
 * @param lock this JVM's shared channel and writer lock of the file
 * @param map the whole file
 * @param fileKey the file's identity
 */
record PageFile(FileLocks.Handle lock, MappedByteBuffer map, Object fileKey) {
}
