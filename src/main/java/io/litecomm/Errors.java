package io.litecomm;

import io.litecomm.spi.CorruptStorageException;
import io.litecomm.spi.MessageQueue;
import io.litecomm.spi.TransportException;
import java.nio.file.Path;

/** Turns transport exceptions into the public ones, at the API boundary. */
final class Errors {

    private Errors() {
    }

    static RuntimeException translate(RuntimeException e) {
        if (causedByInterrupt(e)) {
            return interrupted(e.getMessage());
        }
        if (e instanceof CorruptStorageException corrupt) {
            return new CorruptFileException(Path.of(corrupt.location()), corrupt.problem(), corrupt);
        }
        if (e instanceof TransportException) {
            return new CommException(e.getMessage(), e);
        }
        return e;
    }

    /**
     * A fault on a mapping (SIGBUS, reported by the JVM as {@code InternalError}, sometimes only
     * after the faulting access): the file was truncated under it. The queue then refuses every
     * later operation without touching its memory.
     */
    static RuntimeException mappingFault(MessageQueue queue, InternalError fault) {
        return translate(queue.faulted(fault));
    }

    private static boolean causedByInterrupt(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.channels.ClosedByInterruptException
                    || t instanceof java.nio.channels.FileLockInterruptionException
                    || t instanceof io.litecomm.mapped.file.FileLocks.LockInterruptedException) {
                return true;
            }
        }
        return false;
    }

    static CommInterruptedException interrupted(String what) {
        Thread.currentThread().interrupt();
        return new CommInterruptedException("interrupted: " + what);
    }
}
