package io.litecomm;

import io.litecomm.spi.CorruptStorageException;
import io.litecomm.spi.MessageQueue;
import io.litecomm.spi.TransportException;
import io.litecomm.spi.TransportInterruptedException;
import java.nio.file.Path;

/**
 * Turns transport exceptions into the public ones, at the API boundary: damage of a resource that
 * is a file ({@code /...}) as {@link CorruptFileException}, of any other as {@link CorruptDataException}.
 */
final class Errors {

    private Errors() {
    }

    static RuntimeException translate(RuntimeException e) {
        if (causedByInterrupt(e)) {
            return interrupted(e.getMessage());
        }
        if (e instanceof CorruptStorageException corrupt) {
            String resource = corrupt.resource();
            return resource != null && resource.startsWith("/")
                    ? new CorruptFileException(Path.of(resource), corrupt.problem(), corrupt)
                    : new CorruptDataException(resource, corrupt.problem(), corrupt);
        }
        if (e instanceof TransportException) {
            return new CommException(e.getMessage(), e);
        }
        return e;
    }

    /**
     * An {@code Error} escaped an operation on a queue (a transport over mapped memory: the JVM
     * reports a fault on a truncated file as {@code InternalError}, sometimes only after the access).
     * The transport says whether its storage is damaged: then that is what the caller gets, and the
     * queue refuses every later operation; otherwise the error itself is thrown on.
     */
    static RuntimeException storageFault(MessageQueue queue, Error fault) {
        try {
            queue.checkStorage(fault);
        } catch (RuntimeException damaged) {
            return translate(damaged);
        }
        throw fault;
    }

    private static boolean causedByInterrupt(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.channels.ClosedByInterruptException
                    || t instanceof java.nio.channels.FileLockInterruptionException
                    || t instanceof TransportInterruptedException) {
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
