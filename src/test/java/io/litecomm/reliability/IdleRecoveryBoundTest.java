package io.litecomm.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.CommOptions;
import io.litecomm.mapped.mailbox.HalfWriter;
import io.litecomm.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY #2/#6, "no channel wedged past the bound", for a receiver that waits idle: a producer
 * ({@link HalfWriter}, mode {@code die}) dies between claim and commit; the receiver, already
 * waiting in {@code receive(timeout)}, must get the message sent after the dead claim within the
 * recovery bound plus scheduling slack, as it does when it is busy.
 */
@Timeout(120)
class IdleRecoveryBoundTest {

    private static final Duration BOUND = Duration.ofMillis(300);
    private static final Duration SLACK = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ChannelOptions HALF = ChannelOptions.builder().capacity(1 << 16).maxMessageSize(4096).build();

    @TempDir
    Path dir;

    private static byte[] payload(int i) {
        byte[] bytes = new byte[100];
        Arrays.fill(bytes, (byte) i);
        return bytes;
    }

    @Test
    void anIdleReceiverSkipsADeadProducersClaimWithinTheBound() {
        Path domain = dir.resolve("d");
        try (Comm comm = Comm.open(domain, CommOptions.builder().recoveryTimeout(BOUND).build())) {
            Channel<byte[]> channel = comm.channel("half", byte[].class, HALF);
            try (ChildJvm writer = ChildJvm.start(dir.resolve("logs"), HalfWriter.class, domain.toString(), "half", "2", "die")) {
                assertEquals(9, writer.awaitExit(WAIT), writer.output());
            }
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(payload(i), channel.receive(WAIT).orElseThrow(), "committed message " + i);
            }
            channel.send(payload(7));
            long start = System.nanoTime();
            byte[] next = channel.receive(WAIT).orElseThrow(() -> new AssertionError("wedged for " + WAIT));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertArrayEquals(payload(7), next);
            assertTrue(millis <= BOUND.plus(SLACK).toMillis(), "the dead claim was skipped after " + millis
                    + " ms; the recovery bound is " + BOUND.toMillis() + " ms");
        }
    }
}
