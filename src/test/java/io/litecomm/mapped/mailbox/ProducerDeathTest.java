package io.litecomm.mapped.mailbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.mapped.file.DomainDirectory;
import io.litecomm.spi.MessageQueue;
import io.litecomm.testing.ChildJvm;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A producer that dies between claim and commit does not wedge the channel: once the recovery
 * bound has passed and the OS has released the dead producer's lock, consumers skip its claim.
 * A producer that is only paused there is waited for, however long.
 */
@Timeout(120)
class ProducerDeathTest {

    private static final Duration BOUND = Duration.ofMillis(200);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static byte[] pollWithin(MessageQueue box, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            byte[] message = box.poll();
            if (message != null) {
                return message;
            }
            Thread.onSpinWait();
        }
        return null;
    }

    @Test
    void consumersSkipTheUnfinishedRecordOfADeadProducer() {
        Path domain = dir.resolve("d");
        MessageQueue box = new MailboxTransport(DomainDirectory.open(domain), BOUND).openOrCreate("c", HalfWriter.SPEC);
        try (ChildJvm writer = ChildJvm.start(dir.resolve("logs"), HalfWriter.class, domain.toString(), "c", "3", "die")) {
            assertEquals(9, writer.awaitExit(WAIT), writer.output());
            assertTrue(writer.output().contains("claimed"), writer.output());
        }
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(HalfWriter.payload(i), pollWithin(box, WAIT), "committed message " + i);
        }
        assertEquals(MessageQueue.OFFERED, box.offer(HalfWriter.payload(7)));
        long start = System.nanoTime();
        assertArrayEquals(HalfWriter.payload(7), pollWithin(box, WAIT), "the channel stayed wedged");
        long waited = System.nanoTime() - start;
        assertTrue(waited >= BOUND.toNanos(), "recovered before the bound: " + waited);
        assertNull(box.poll());
        assertEquals(0, box.size());
        assertEquals(MessageQueue.OFFERED, box.offer(HalfWriter.payload(8)));
        assertArrayEquals(HalfWriter.payload(8), box.poll());
        box.release();
    }

    @Test
    void aPausedProducerIsWaitedForAndItsMessageDeliveredOnce() throws IOException {
        Path domain = dir.resolve("d");
        MessageQueue box = new MailboxTransport(DomainDirectory.open(domain), BOUND).openOrCreate("c", HalfWriter.SPEC);
        try (ChildJvm writer = ChildJvm.start(dir.resolve("logs"), HalfWriter.class, domain.toString(), "c", "2", "stall")) {
            writer.awaitOutput("claimed", WAIT);
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(HalfWriter.payload(i), pollWithin(box, WAIT));
            }
            assertEquals(MessageQueue.OFFERED, box.offer(HalfWriter.payload(5)));
            assertNull(pollWithin(box, BOUND.multipliedBy(5)), "a live producer's claim was skipped");
            OutputStream stdin = writer.process().getOutputStream();
            stdin.write("go\n".getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            writer.awaitOutput("committed", WAIT);
            Supplier<String> out = writer::output;
            assertArrayEquals(HalfWriter.payload(2), pollWithin(box, WAIT), out.get());
            assertArrayEquals(HalfWriter.payload(5), pollWithin(box, WAIT));
            assertNull(box.poll());
        }
        box.release();
    }
}
