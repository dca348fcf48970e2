package io.litecomm.mapped.mailbox;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class DoorbellsTest {

    @TempDir
    Path dir;

    @Test
    void ringingWakesASleeperLongBeforeItsTimeout() throws InterruptedException {
        try (Doorbells receiverSide = new Doorbells(dir); Doorbells senderSide = new Doorbells(dir)) {
            Doorbells.Bell bell = receiverSide.bell();
            assertNotNull(bell);
            for (int round = 0; round < 3; round++) {
                Thread waiter = new Thread(() -> bell.await(TimeUnit.MINUTES.toNanos(10)));
                waiter.start();
                assertTrue(senderSide.ring(bell.id()));
                waiter.join(TimeUnit.SECONDS.toMillis(20));
                assertFalse(waiter.isAlive(), "a ring did not wake the sleeper, round " + round);
            }
        }
    }

    @Test
    void aBellWhoseOwnerIsGoneReportsDeadAndCloseRemovesTheSocket() throws java.io.IOException {
        Doorbells receiverSide = new Doorbells(dir);
        Doorbells.Bell bell = receiverSide.bell();
        assertNotNull(bell);
        long id = bell.id();
        assertTrue(bellFiles() > 0);
        try (Doorbells senderSide = new Doorbells(dir)) {
            assertTrue(senderSide.ring(id));
            receiverSide.close();
            assertTrue(bellFiles() == 0, "socket file left behind");
            boolean alive = senderSide.ring(id) && senderSide.ring(id);
            assertFalse(alive, "a closed bell still rings");
        }
    }

    private long bellFiles() throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".bell-")).count();
        }
    }
}
