package io.litecomm.mapped.store;

import io.litecomm.mapped.file.FileLocks;
import java.nio.MappedByteBuffer;

/**
 * One file that has held the shared-memory page, as mapped by this process: its lock handle, its
 * mapping (the whole file) and its identity, to tell it from a file renamed over it later. Threads
 * that lock it count themselves as users; once it is retired (replaced by a newer file) its handle
 * is closed when the last user is done, so no thread ever locks through a closed handle (which
 * would reopen the name, now another file).
 */
final class PageFile {

    private final FileLocks.Handle lock;
    private final MappedByteBuffer map;
    private final Object fileKey;
    private int users;
    private boolean retired;
    private boolean closed;

    PageFile(FileLocks.Handle lock, MappedByteBuffer map, Object fileKey) {
        this.lock = lock;
        this.map = map;
        this.fileKey = fileKey;
    }

    FileLocks.Handle lock() {
        return lock;
    }

    MappedByteBuffer map() {
        return map;
    }

    Object fileKey() {
        return fileKey;
    }

    /**
     * Counts the caller as a user of the handle.
     *
     * @return {@code false} if the file was retired: use the current one
     */
    synchronized boolean use() {
        if (retired) {
            return false;
        }
        users++;
        return true;
    }

    /** Ends a use; the last user of a retired file closes its handle. Call holding no lock. */
    void done() {
        boolean close;
        synchronized (this) {
            users--;
            close = retired && users == 0 && !closed;
            closed |= close;
        }
        if (close) {
            lock.close();
        }
    }

    /** Retires the file: its handle is closed now or by its last user. Call holding no lock. */
    void retire() {
        boolean close;
        synchronized (this) {
            retired = true;
            close = users == 0 && !closed;
            closed |= close;
        }
        if (close) {
            lock.close();
        }
    }
}
