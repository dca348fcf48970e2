package io.litecomm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.spi.CorruptStorageException;
import io.litecomm.spi.TransportInterruptedException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The translation of transport exceptions at the API boundary. */
class ErrorsTest {

    @Test
    void damageOfAFileIsACorruptFileException() {
        RuntimeException e = Errors.translate(new CorruptStorageException("/dev/shm/d/c.chan", "bad magic"));
        CorruptFileException file = assertInstanceOf(CorruptFileException.class, e);
        assertEquals(Path.of("/dev/shm/d/c.chan"), file.file());
        assertEquals("bad magic", file.problem());
        assertTrue(e.getMessage().contains("file=/dev/shm/d/c.chan"), e.getMessage());
    }

    @Test
    void damageOfAnotherResourceNamesItWithoutPretendingItIsAFile() {
        RuntimeException e = Errors.translate(new CorruptStorageException("redis://h:6379/app {ch:c}", "bad type"));
        CorruptDataException data = assertInstanceOf(CorruptDataException.class, e);
        assertFalse(data instanceof CorruptFileException, "not a file: " + e);
        assertEquals("redis://h:6379/app {ch:c}", data.resource());
        assertTrue(e.getMessage().contains("resource=redis://h:6379/app {ch:c}"), e.getMessage());
    }

    @Test
    void anInterruptedTransportCallKeepsTheInterruptStatus() {
        try {
            RuntimeException e = Errors.translate(new TransportInterruptedException("lock of /x"));
            assertInstanceOf(CommInterruptedException.class, e);
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
    }
}
