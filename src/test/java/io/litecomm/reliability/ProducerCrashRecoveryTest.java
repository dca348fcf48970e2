package io.litecomm.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.CommOptions;
import io.litecomm.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A producer process halted at a random moment, usually in the middle of a record: the reader gets
 * every committed message intact and in order, and the channel moves past the unfinished claim
 * within the recovery bound, so messages sent afterwards arrive.
 */
@Timeout(180)
class ProducerCrashRecoveryTest {

    private static final int TRIALS = ReliabilitySupport.count("litecomm.reliability.trials", 6, 40);
    private static final Duration BOUND = Duration.ofMillis(300);

    @TempDir
    Path dir;

    @Test
    void haltedProducerLosesNothingCommittedAndNeverWedgesTheChannel() {
        CommOptions options = CommOptions.builder().recoveryTimeout(BOUND).build();
        int recovered = 0;
        for (int trial = 0; trial < TRIALS; trial++) {
            Path domain = dir.resolve("d" + trial);
            try (Comm comm = Comm.open(domain, options)) {
                Channel<byte[]> channel = comm.channel("crash", byte[].class,
                        ChannelOptions.builder().capacity(1 << 22).maxMessageSize(1 << 20).build());
                try (ChildJvm producer = ChildJvm.start(dir.resolve("logs"), CrashingProducer.class, domain.toString(),
                        "crash", Integer.toString(256 * 1024), "300", "900")) {
                    long expected = 0;
                    while (producer.process().isAlive() || channel.size() > 0) {
                        Optional<byte[]> next = channel.receive(Duration.ofMillis(50));
                        if (next.isPresent()) {
                            assertEquals(expected, CrashingProducer.verify(next.get()), "order or loss");
                            expected++;
                        } else if (!producer.process().isAlive()) {
                            break;
                        }
                    }
                    assertEquals(9, producer.awaitExit(Duration.ofSeconds(30)), producer.output());
                    assertTrue(expected > 0, "the producer sent nothing before halting: " + producer.output());
                }
                long claimedBefore = channel.size();
                byte[] after = CrashingProducer.message(-1, 64);
                channel.send(after);
                long start = System.nanoTime();
                Optional<byte[]> got = channel.receive(BOUND.multipliedBy(20));
                assertTrue(got.isPresent(), "channel wedged after the producer died (size before=" + claimedBefore + ")");
                assertEquals(-1, CrashingProducer.verify(got.get()));
                if (claimedBefore > 0) {
                    recovered++;
                    assertTrue(System.nanoTime() - start >= BOUND.toNanos() / 2, "recovered before the bound");
                }
            }
        }
        System.out.println("RELIABILITY #1 real halts: trials=" + TRIALS + " recovered-unfinished-claims=" + recovered);
    }
}
