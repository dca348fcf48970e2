package io.litecomm;

import io.litecomm.spi.CorruptQueueException;
import io.litecomm.spi.TransportException;
import java.nio.file.Path;

/** Turns transport exceptions into the public ones, at the API boundary. */
final class Errors {

    private Errors() {
    }

    static RuntimeException translate(RuntimeException e) {
        if (e instanceof CorruptQueueException corrupt) {
            return new CorruptFileException(Path.of(corrupt.location()), corrupt.problem(), corrupt);
        }
        if (e instanceof TransportException) {
            return new CommException(e.getMessage(), e);
        }
        return e;
    }

    static CommInterruptedException interrupted(String what) {
        Thread.currentThread().interrupt();
        return new CommInterruptedException("interrupted: " + what);
    }
}
