package io.litecomm.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.CommOptions;
import io.litecomm.WaitStrategy;
import io.litecomm.mapped.mailbox.HalfWriter;
import io.litecomm.testing.ChildJvm.Await;
import io.litecomm.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY #4, paused, not dead: a producer process is SIGSTOPped for several times the recovery
 * bound, then SIGCONTed.
 *
 * <p>Behaviour while it is stopped (documented here and in README "Crashes"): its producer slot's
 * {@code FileLock} is still held, so a receiver that reaches its unfinished claim waits, however
 * long, and never pads it; messages committed before the claim are delivered, messages committed by
 * others after it wait behind it; {@code size()} counts the unfinished claim as one message. After
 * SIGCONT the producer commits and everything is delivered once, in order.
 *
 * <p>Two forms of pause: exactly between claim and commit ({@link HalfWriter} in {@code stall} mode,
 * deterministic), and at random points of a real sender ({@link SteadySender}). Short form: 4 random
 * pauses; long form: 50. {@code -Dlitecomm.reliability.pauses=N} sets it.
 */
@Timeout(900)
class PausedProducerTest {

    /** Recovery bound of the processes of this test. */
    static final Duration BOUND = Duration.ofMillis(300);
    /** The random sender's channel: large messages, so that a pause often lands inside one. */
    static final ChannelOptions STEADY = ChannelOptions.builder().capacity(1 << 20).maxMessageSize(256 * 1024).build();

    private static final int PAUSES = ReliabilitySupport.count("litecomm.reliability.pauses", 4, 50);
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** HalfWriter's channel: {@code HalfWriter.SPEC}. */
    private static final ChannelOptions HALF = ChannelOptions.builder().capacity(1 << 16).maxMessageSize(4096).build();

    @TempDir
    Path dir;

    static CommOptions options() {
        return CommOptions.builder().recoveryTimeout(BOUND).build();
    }

    private static byte[] halfWriterPayload(int i) {
        byte[] bytes = new byte[100];
        Arrays.fill(bytes, (byte) i);
        return bytes;
    }

    private static void stop(ChildJvm child) {
        long pid = child.process().pid();
        ReliabilitySupport.signal(pid, "STOP");
        Await.until(() -> ReliabilitySupport.processState(pid) == 'T', WAIT, () -> "child " + pid + " never stopped");
    }

    @Test
    void aProducerStoppedBetweenClaimAndCommitIsWaitedForAndDeliveredOnce() {
        Path domain = dir.resolve("d");
        try (Comm comm = Comm.open(domain, options());
             ChildJvm writer = ChildJvm.start(dir.resolve("logs"), HalfWriter.class, domain.toString(), "half", "2", "stall")) {
            Channel<byte[]> channel = comm.channel("half", byte[].class, HALF);
            writer.awaitOutput("claimed", WAIT);
            stop(writer);
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(halfWriterPayload(i), channel.receive(), "committed message " + i);
            }
            byte[] later = halfWriterPayload(9);
            channel.send(later);
            long start = System.nanoTime();
            Optional<byte[]> meanwhile = channel.receive(BOUND.multipliedBy(6));
            assertTrue(meanwhile.isEmpty(), "a stopped producer's claim was skipped: the receiver got a message");
            assertTrue(System.nanoTime() - start >= BOUND.multipliedBy(6).toNanos(), "the receiver did not wait");
            // size() stops at an unfinished claim (it cannot know its length): exact only when nobody is sending
            assertTrue(channel.size() >= 1, "the stopped claim is still waiting");

            ReliabilitySupport.signal(writer.process().pid(), "CONT");
            ReliabilitySupport.tell(writer, "go");
            writer.awaitOutput("committed", WAIT);
            assertArrayEquals(halfWriterPayload(2), channel.receive(WAIT).orElseThrow(), "the paused producer's message");
            assertArrayEquals(later, channel.receive(WAIT).orElseThrow(), "the message sent behind it");
            assertTrue(channel.tryReceive().isEmpty(), "delivered more than once");
            assertEquals(0, channel.size());
            channel.send(halfWriterPayload(10));
            assertArrayEquals(halfWriterPayload(10), channel.receive(WAIT).orElseThrow(), "the channel still works");
        }
    }

    /** Takes and checks messages continuously, so the sender never waits for room and is stopped mid-work. */
    private static final class Drain extends Thread {
        private final Channel<byte[]> channel;
        private final AtomicLong count = new AtomicLong();
        private final AtomicLong lastAt = new AtomicLong(System.nanoTime());
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private volatile boolean done;

        Drain(Channel<byte[]> channel) {
            super("drain");
            this.channel = channel;
            setDaemon(true);
            start();
        }

        @Override
        public void run() {
            try {
                while (!done) {
                    Optional<byte[]> next = channel.receive(Duration.ofMillis(20));
                    if (next.isPresent()) {
                        assertEquals(count.get(), CrashingProducer.verify(next.get()), "order or loss");
                        count.incrementAndGet();
                        lastAt.set(System.nanoTime());
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }

        /** Nothing arrived for {@code quiet}, counted from {@code since} at the earliest. */
        boolean quietFor(Duration quiet, long since) {
            return System.nanoTime() - Math.max(lastAt.get(), since) >= quiet.toNanos() || failure.get() != null;
        }
    }

    @Test
    void aRealSenderStoppedAtRandomPointsLosesAndDuplicatesNothing() throws InterruptedException {
        long seed = Long.getLong("litecomm.reliability.seed", System.nanoTime());
        Random random = new Random(seed);
        Path domain = dir.resolve("d");
        int insideRecord = 0;
        long messages;
        try (Comm comm = Comm.open(domain, options());
             ChildJvm sender = ChildJvm.start(dir.resolve("logs"), SteadySender.class, domain.toString(), "steady")) {
            Channel<byte[]> channel = comm.channel("steady", byte[].class, STEADY);
            sender.awaitOutput("SENDING", WAIT);
            // a spinning receiver keeps up with the sender, so the sender is stopped while building or writing, not waiting
            Drain drain = new Drain(comm.channel("steady", byte[].class,
                    ChannelOptions.builder().waitStrategy(WaitStrategy.BUSY_SPIN).build()));
            for (int pause = 0; pause < PAUSES; pause++) {
                long target = drain.count.get() + 1 + random.nextInt(20);
                Await.until(() -> drain.count.get() >= target || drain.failure.get() != null, WAIT, sender::output);
                stop(sender);
                long stopped = System.nanoTime();
                // receivers drain what was committed, then wait, well past the bound, for the stopped claim
                Await.until(() -> drain.quietFor(BOUND.multipliedBy(3), stopped), WAIT, () -> "messages kept coming");
                int left = channel.size();
                assertTrue(left <= 1, "after draining, only the stopped claim may be left: size=" + left);
                insideRecord += left;
                ReliabilitySupport.signal(sender.process().pid(), "CONT");
            }
            ReliabilitySupport.tell(sender, "stop");
            sender.awaitOutput("SENT ", WAIT);
            long sent = Long.parseLong(ReliabilitySupport.lineAfter(sender, "SENT "));
            Await.until(() -> drain.count.get() >= sent || drain.failure.get() != null, WAIT, () -> "messages missing");
            drain.done = true;
            drain.join(WAIT.toMillis());
            assertEquals(null, drain.failure.get(), () -> "the receiver failed: " + drain.failure.get());
            messages = drain.count.get();
            assertEquals(sent, messages, "every message sent arrives once");
            assertTrue(channel.tryReceive().isEmpty(), "more messages than were sent");
            assertEquals(0, channel.size());
        }
        System.out.println("RELIABILITY #4 seed=" + seed + " pauses=" + PAUSES + " pausedInsideARecord=" + insideRecord
                + " messages=" + messages);
    }
}
