package io.litecomm.mapped.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.litecomm.Comm;
import io.litecomm.CommOptions;
import io.litecomm.SharedMemory;
import io.litecomm.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Publishing keeps working whatever space is left before the ring's end (regression: 8 or 16 bytes). */
@Timeout(60)
class PubSubWrapTest {

    @TempDir
    Path dir;

    @Test
    void recordsOfEveryLengthWrapTheRing() {
        try (Comm comm = Comm.open(dir.resolve("d"), CommOptions.builder().pubSubCapacity(4096).build())) {
            SharedMemory memory = comm.sharedMemory();
            List<Object> got = new CopyOnWriteArrayList<>();
            memory.onSubscriberReceive("t", got::add);
            int sent = 0;
            for (int round = 0; round < 40; round++) {
                for (int length = 0; length < 24; length++) {
                    memory.publish("t", "x".repeat(length));
                    sent++;
                    int expected = sent;
                    ChildJvm.Await.until(() -> got.size() == expected, Duration.ofSeconds(10),
                            () -> "received " + got.size() + " of " + expected);
                }
            }
            assertEquals("x".repeat(23), got.get(sent - 1));
            assertEquals(0, memory.missedMessages());
        }
    }
}
