package io.litecomm.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.SharedMemory;
import io.litecomm.testing.ChildJvm;
import io.litecomm.testing.ChildJvm.Await;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY #7: 8 JVMs create the same new domain, channel, shared-memory page and pub/sub ring
 * at the same instant, round after round. Each round uses a fresh domain directory (so the domain
 * directory, its lock file, the channel, the page and the ring are all created by the race); the 8
 * processes ({@link CreationRacer}) live across rounds and are released together by a start word in
 * a mapped control file, so that the race is within tens of microseconds rather than JVM start-up.
 *
 * <p>Passes when, every round, every process opens everything and sends (nobody sees a
 * half-initialised header), all 8 saw the same inode for each file (exactly one initialiser), no
 * temporary file is left, the reader receives exactly the 8 messages, and the store holds all 8 keys,
 * {@code count == 8} and version 16.
 *
 * <p>Short form: 50 rounds. Long form: 200. {@code -Dlitecomm.reliability.creationRounds=N} sets it.
 */
@Timeout(900)
class ConcurrentCreationTest {

    /** Processes racing each round. */
    static final int CHILDREN = 8;

    private static final int ROUNDS = ReliabilitySupport.count("litecomm.reliability.creationRounds", 50, 200);
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path dir;

    static String message(int child, int round) {
        return "child-" + child + "-round-" + round;
    }

    @Test
    void exactlyOneInitialiserAndNoHalfInitialisedHeader() throws IOException {
        Path control = dir.resolve("control");
        Files.write(control, new byte[CreationRacer.AREA * (CHILDREN + 1)]);
        MappedByteBuffer map = CreationRacer.map(control, CHILDREN);
        Path base = dir.resolve("domains");
        long started = System.nanoTime();
        try (ReliabilitySupport.Group group = new ReliabilitySupport.Group(dir.resolve("logs"))) {
            List<ChildJvm> racers = new ArrayList<>();
            for (int i = 0; i < CHILDREN; i++) {
                racers.add(group.start(CreationRacer.class, control.toString(), base.toString(), Integer.toString(i),
                        Integer.toString(ROUNDS)));
            }
            for (int round = 1; round <= ROUNDS; round++) {
                int r = round;
                awaitAll(group, i -> CreationRacer.get(map, i, CreationRacer.READY) >= r, "ready for round " + r);
                LONGS.setRelease(map, 0, (long) round);
                awaitAll(group, i -> CreationRacer.get(map, i, CreationRacer.DONE) >= r, "done with round " + r);
                verifyRound(base.resolve("round-" + round), round, map);
            }
            for (ChildJvm racer : racers) {
                racer.awaitSuccess(WAIT);
            }
        }
        System.out.println("RELIABILITY #7 processes=" + CHILDREN + " rounds=" + ROUNDS + " seconds="
                + (System.nanoTime() - started) / 1_000_000_000L);
    }

    private static void awaitAll(ReliabilitySupport.Group group, IntPredicate condition, String what) {
        Await.until(() -> {
            group.checkNoneFailed();
            return IntStream.range(0, CHILDREN).allMatch(condition);
        }, WAIT, () -> "not all processes " + what + "\n" + group.outputs());
    }

    private static void verifyRound(Path domain, int round, MappedByteBuffer map) throws IOException {
        Set<String> files;
        try (Stream<Path> listing = Files.list(domain)) {
            files = listing.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertTrue(files.stream().noneMatch(f -> f.endsWith(".tmp")), "round " + round + " left temporary files: " + files);
        assertTrue(files.containsAll(Set.of("c.chan", "storage.page", "pubsub.ring")), "round " + round + ": " + files);
        Map<String, Long> inodes = Map.of("c.chan", (long) CreationRacer.CHANNEL_INODE,
                "storage.page", (long) CreationRacer.PAGE_INODE, "pubsub.ring", (long) CreationRacer.RING_INODE);
        for (Map.Entry<String, Long> file : inodes.entrySet()) {
            long inode = CreationRacer.inode(domain.resolve(file.getKey()));
            for (int i = 0; i < CHILDREN; i++) {
                assertEquals(inode, CreationRacer.get(map, i, file.getValue().intValue()),
                        "round " + round + ": process " + i + " used another " + file.getKey());
            }
        }
        try (Comm reader = Comm.open(domain, CreationRacer.OPTIONS)) {
            Channel<String> channel = reader.channel("c", String.class, CreationRacer.SMALL);
            Set<String> expected = new HashSet<>();
            Set<String> got = new HashSet<>();
            for (int i = 0; i < CHILDREN; i++) {
                expected.add(message(i, round));
                got.add(channel.receive(WAIT).orElseThrow(() -> new AssertionError("round " + round + ": a message is missing")));
            }
            assertEquals(expected, got, "round " + round);
            assertTrue(channel.tryReceive().isEmpty(), "round " + round + ": more than 8 messages");
            SharedMemory memory = reader.sharedMemory();
            Map<String, Object> all = memory.getAll();
            Map<String, Object> keys = new HashMap<>();
            for (int i = 0; i < CHILDREN; i++) {
                keys.put("child-" + i, round);
            }
            keys.put("count", CHILDREN);
            assertEquals(keys, all, "round " + round);
            assertEquals(2L * CHILDREN, memory.version(), "round " + round + ": one version per change");
        }
    }
}
