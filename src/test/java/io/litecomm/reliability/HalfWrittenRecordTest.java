package io.litecomm.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.CommOptions;
import io.litecomm.mapped.mailbox.HalfRecords;
import io.litecomm.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY #1, half-written record: a producer process sends N messages on a channel, starts
 * record N+1, and dies by {@code Runtime.halt} with the record cut at a random point of the protocol
 * (claim entry taken; claim recorded; space claimed; part of the payload, padding included when the
 * record wraps; whole payload; length; check word; tag stored but claim never cleared). Each child
 * prepares {@value #PER_CHILD} channels, each cut at its own random point and ring position, then
 * halts once: the OS releases its producer-slot locks on all of them.
 *
 * <p>Passes when, on every channel, the reader gets exactly the N committed messages (N+1 when the
 * tag was stored), intact and in order, and a message sent afterwards arrives within the recovery
 * bound plus scheduling slack, and nothing else. Short form: 200 trials; long form: 5,000
 * ({@code -Dlitecomm.reliability.halfTrials=N}; {@code -Dlitecomm.reliability.seed=S} repeats a run).
 * Real halts at random times inside a real sender's large records: {@link ProducerCrashRecoveryTest}.
 */
@Timeout(1500)
class HalfWrittenRecordTest {

    /** Channels prepared by one dying child. */
    static final int PER_CHILD = 200;
    private static final int TRIALS = ReliabilitySupport.count("litecomm.reliability.halfTrials", 200, 5000);
    private static final Duration BOUND = Duration.ofMillis(100);
    /** Room for a loaded machine on top of the bound; a wedged channel would never recover at all. */
    private static final Duration SLACK = Duration.ofSeconds(5);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ChannelOptions OPTIONS = ChannelOptions.builder().capacity(HalfRecords.SPEC.capacity())
            .maxMessageSize(HalfRecords.SPEC.maxMessageLength()).build();

    @TempDir
    Path dir;

    /** One channel of a trial, as the child's manifest line describes it. */
    private record Trial(int channel, int committed, HalfRecords.Cut cut, String line) {
        static Trial parse(String line) {
            String[] words = line.split(" ");
            return new Trial(Integer.parseInt(words[1]), Integer.parseInt(words[3]), HalfRecords.Cut.valueOf(words[4]), line);
        }
    }

    @Test
    void readersGetExactlyTheCommittedMessagesAndRecoverWithinTheBound() throws Exception {
        long seed = Long.getLong("litecomm.reliability.seed", System.nanoTime());
        Map<HalfRecords.Cut, Integer> cuts = new EnumMap<>(HalfRecords.Cut.class);
        AtomicLong slowest = new AtomicLong();
        AtomicLong messages = new AtomicLong();
        long began = System.nanoTime();
        ExecutorService readers = Executors.newFixedThreadPool(8);
        try {
            for (int first = 0; first < TRIALS; first += PER_CHILD) {
                int count = Math.min(PER_CHILD, TRIALS - first);
                Path domain = dir.resolve("d" + first);
                List<Trial> trials = new ArrayList<>();
                try (ChildJvm child = ChildJvm.start(dir.resolve("logs"), HalfRecords.class, domain.toString(),
                        Integer.toString(first), Integer.toString(count), Long.toString(seed + first))) {
                    assertEquals(9, child.awaitExit(WAIT), child::output);
                    for (String line : child.output().split("\n")) {
                        if (line.startsWith("TRIAL ")) {
                            trials.add(Trial.parse(line));
                        }
                    }
                    assertEquals(count, trials.size(), child::output);
                }
                try (Comm comm = Comm.open(domain, CommOptions.builder().recoveryTimeout(BOUND).build())) {
                    List<Future<?>> checks = new ArrayList<>();
                    for (Trial trial : trials) {
                        cuts.merge(trial.cut(), 1, Integer::sum);
                        checks.add(readers.submit(() -> {
                            check(comm, trial, seed, slowest);
                            messages.addAndGet(trial.committed());
                            return null;
                        }));
                    }
                    for (Future<?> check : checks) {
                        try {
                            check.get(WAIT.toSeconds() * 2, TimeUnit.SECONDS);
                        } catch (ExecutionException e) {
                            throw new AssertionError("seed=" + seed + ": " + e.getCause().getMessage(), e.getCause());
                        }
                    }
                }
            }
        } finally {
            readers.shutdownNow();
            assertTrue(readers.awaitTermination(30, TimeUnit.SECONDS), "reader threads did not stop");
        }
        for (HalfRecords.Cut cut : HalfRecords.Cut.values()) {
            assertTrue(TRIALS < 100 || cuts.getOrDefault(cut, 0) > 0, "no trial cut at " + cut + ": " + cuts);
        }
        int children = (TRIALS + PER_CHILD - 1) / PER_CHILD;
        System.out.println("RELIABILITY #1 seed=" + seed + " trials=" + TRIALS + " children=" + children
                + " committedMessages=" + messages + " cuts=" + cuts + " slowestRecoveryMs="
                + TimeUnit.NANOSECONDS.toMillis(slowest.get()) + " seconds="
                + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began));
    }

    private static void check(Comm comm, Trial trial, long seed, AtomicLong slowest) {
        String context = "seed=" + seed + " " + trial.line();
        Channel<byte[]> channel = comm.channel(HalfRecords.name(trial.channel()), byte[].class, OPTIONS);
        for (int i = 0; i < trial.committed(); i++) {
            Optional<byte[]> got = channel.receive(WAIT);
            int index = i;
            assertTrue(got.isPresent(), () -> "committed message " + index + " missing: " + context);
            assertArrayEquals(HalfRecords.payload(trial.channel(), i), got.get(), () -> "message " + index + ": " + context);
        }
        byte[] fresh = {(byte) 0xF5, (byte) trial.channel(), 1, 2, 3};
        channel.send(fresh);
        long start = System.nanoTime();
        Optional<byte[]> got = channel.receive(BOUND.plus(SLACK));
        long took = System.nanoTime() - start;
        assertTrue(got.isPresent(), () -> "the channel stayed wedged past the bound: " + context);
        assertArrayEquals(fresh, got.get(), () -> "an unfinished record was delivered: " + context);
        assertTrue(channel.tryReceive().isEmpty(), () -> "more than was sent: " + context);
        slowest.accumulateAndGet(took, Math::max);
    }
}
