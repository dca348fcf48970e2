package io.litecomm.mapped.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Comm;
import io.litecomm.SharedMemory;
import io.litecomm.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class SharedMemorySmokeTest {

    @TempDir
    Path dir;

    @Test
    void setGetDeleteAcrossTwoComms() {
        try (Comm a = Comm.open(dir.resolve("d")); Comm b = Comm.open(dir.resolve("d"))) {
            SharedMemory ma = a.sharedMemory();
            SharedMemory mb = b.sharedMemory();
            ma.set("key", "value");
            assertEquals("value", mb.get("key", String.class));
            mb.set("n", 41);
            assertEquals(42, ma.update("n", n -> ((Number) n).intValue() + 1));
            assertEquals(42, mb.get("n", 0));
            assertEquals(Map.of("key", "value", "n", 42), mb.getAll());
            assertTrue(ma.delete("key"));
            assertFalse(mb.delete("key"));
            assertNull(mb.get("key"));
            assertEquals(ma.version(), mb.version());
        }
    }

    @Test
    void manyKeysForceCompactionAndGrowth() {
        try (Comm a = Comm.open(dir.resolve("d")); Comm b = Comm.open(dir.resolve("d"))) {
            SharedMemory ma = a.sharedMemory();
            SharedMemory mb = b.sharedMemory();
            for (int i = 0; i < 20_000; i++) {
                ma.set("k" + i, Map.of("i", i, "s", "x".repeat(i % 50)));
                if (i % 1000 == 0) {
                    assertEquals(i, mb.get("k" + i, Map.class).get("i"));
                }
            }
            assertEquals(20_000, mb.getAll().size());
            assertEquals(20_000, mb.version());
        }
    }

    @Test
    void pubSubReachesOwnProcess() {
        try (Comm a = Comm.open(dir.resolve("d")); Comm b = Comm.open(dir.resolve("d"))) {
            List<Object> got = new CopyOnWriteArrayList<>();
            b.sharedMemory().onSubscriberReceive("t", got::add);
            for (int i = 0; i < 100; i++) {
                a.sharedMemory().publish("t", i);
                a.sharedMemory().publish("other", i);
            }
            ChildJvm.Await.until(() -> got.size() == 100, Duration.ofSeconds(10), () -> "got " + got.size());
            for (int i = 0; i < 100; i++) {
                assertEquals(i, got.get(i));
            }
        }
    }
}
