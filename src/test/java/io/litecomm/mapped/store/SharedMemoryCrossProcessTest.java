package io.litecomm.mapped.store;

import static io.litecomm.mapped.store.SharedMemoryChild.END;
import static io.litecomm.mapped.store.SharedMemoryChild.SMALL_RING;
import static io.litecomm.mapped.store.SharedMemoryChild.WRITER_KEYS;
import static io.litecomm.mapped.store.SharedMemoryChild.roundValue;
import static io.litecomm.mapped.store.SharedMemoryChild.writerValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Comm;
import io.litecomm.CommOptions;
import io.litecomm.SharedMemory;
import io.litecomm.mapped.inspect.PubSubLayout;
import io.litecomm.testing.ChildJvm.Await;
import io.litecomm.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SharedMemory} between real processes: each test starts child JVMs running
 * {@link SharedMemoryChild} on a domain in a temporary directory.
 */
class SharedMemoryCrossProcessTest {

    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration FINISH = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    /** Every child of a test, destroyed however the test ends. */
    private static final class Children implements AutoCloseable {
        private final List<ChildJvm> all = new ArrayList<>();
        private final Path logDir;

        Children(Path logDir) {
            this.logDir = logDir;
        }

        ChildJvm start(String... args) {
            ChildJvm child = ChildJvm.start(logDir, SharedMemoryChild.class, args);
            all.add(child);
            return child;
        }

        String outputs() {
            return all.stream().map(c -> "--- child " + c.process().pid() + " ---\n" + c.output())
                    .collect(Collectors.joining("\n"));
        }

        @Override
        public void close() {
            for (ChildJvm child : all) {
                child.close();
            }
        }
    }

    /** Polls fast (50 µs) with a deadline; fails early, with the children's output, if one died. */
    private static void awaitFast(BooleanSupplier condition, Duration timeout, Children children, Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + ": " + what.get() + "\n" + children.outputs());
            }
            for (ChildJvm child : children.all) {
                if (!child.process().isAlive() && child.process().exitValue() != 0) {
                    throw new AssertionError("child failed while waiting for " + what.get() + "\n" + child.output());
                }
            }
            LockSupport.parkNanos(50_000);
        }
    }

    private static boolean allReady(SharedMemory memory, int count) {
        return IntStream.range(0, count).allMatch(i -> memory.get("ready-" + i) != null);
    }

    @Test
    @Timeout(120)
    void fourProcessesIncrementingOneKeyEndExact() throws IOException {
        int processes = 4;
        int perProcess = 5_000;
        Path domain = dir.resolve("d");
        try (Comm comm = Comm.open(domain); Children children = new Children(dir)) {
            SharedMemory memory = comm.sharedMemory();
            List<Path> results = new ArrayList<>();
            for (int id = 0; id < processes; id++) {
                Path result = dir.resolve("increments-" + id + ".txt");
                results.add(result);
                children.start("increment", domain.toString(), Integer.toString(id), Integer.toString(perProcess),
                        result.toString());
            }
            awaitFast(() -> allReady(memory, processes), START, children, () -> "children ready");
            long before = memory.version();
            memory.set("go", true);
            for (ChildJvm child : children.all) {
                child.awaitSuccess(FINISH);
            }
            int total = processes * perProcess;
            assertEquals(total, ((Number) memory.get("counter")).intValue());
            assertEquals(before + 1 + total, memory.version(), "one committed change per update");
            // update is atomic: every value 1..total was the result of exactly one update somewhere
            boolean[] seen = new boolean[total + 1];
            for (Path result : results) {
                for (String line : Files.readAllLines(result)) {
                    int value = Integer.parseInt(line);
                    assertTrue(value >= 1 && value <= total, "out of range: " + value);
                    assertFalse(seen[value], "two updates returned " + value);
                    seen[value] = true;
                }
            }
        }
    }

    @Test
    @Timeout(120)
    void setInOneProcessIsSeenByTheNextGetInAnother() {
        int rounds = 300;
        Path domain = dir.resolve("d");
        try (Comm comm = Comm.open(domain); Children children = new Children(dir)) {
            SharedMemory memory = comm.sharedMemory();
            ChildJvm child = children.start("pong", domain.toString(), Integer.toString(rounds));
            for (int i = 1; i <= rounds; i++) {
                assertEquals(i == 1 ? null : roundValue("child", i - 1), memory.get("c"), "round " + i);
                memory.set("p", roundValue("parent", i));
                memory.set("turn", "child:" + i);
                String back = "parent:" + i;
                awaitFast(() -> back.equals(memory.get("turn")), i == 1 ? START : FINISH, children, () -> back);
                // the child set "c" before handing the turn back: the very next get must see it
                assertEquals(roundValue("child", i), memory.get("c"), "round " + i);
            }
            child.awaitSuccess(FINISH);
            assertEquals(4L * rounds, memory.version(), "four sets a round");
        }
    }

    @Test
    @Timeout(120)
    void deleteAndGetAllAgreeAcrossProcesses() throws IOException {
        int keys = 300;
        Path domain = dir.resolve("d");
        try (Comm comm = Comm.open(domain); Children children = new Children(dir)) {
            SharedMemory memory = comm.sharedMemory();
            for (int j = 0; j < keys; j++) {
                memory.set("k" + j, keyValue(j));
            }
            Path up = dir.resolve("won-up.txt");
            Path down = dir.resolve("won-down.txt");
            children.start("deleter", domain.toString(), "0", Integer.toString(keys), "up", up.toString());
            children.start("deleter", domain.toString(), "1", Integer.toString(keys), "down", down.toString());
            awaitFast(() -> allReady(memory, 2), START, children, () -> "children ready");
            long before = memory.version();
            memory.set("go", true);
            // while they delete from both ends, every snapshot here holds one contiguous middle range
            int snapshots = 0;
            long deadline = System.nanoTime() + FINISH.toNanos();
            while (children.all.stream().anyMatch(c -> c.process().isAlive()) && System.nanoTime() < deadline) {
                assertContiguous(memory.getAll(), keys);
                snapshots++;
                LockSupport.parkNanos(200_000);
            }
            for (ChildJvm child : children.all) {
                child.awaitSuccess(FINISH);
            }
            assertTrue(snapshots > 0);
            List<String> wonUp = Files.readAllLines(up);
            List<String> wonDown = Files.readAllLines(down);
            Set<String> union = new TreeSet<>(wonUp);
            union.addAll(wonDown);
            assertEquals(keys, wonUp.size() + wonDown.size(), "each key deleted exactly once: up=" + wonUp + " down=" + wonDown);
            assertEquals(keys, union.size());
            assertEquals(before + 1 + keys, memory.version(), "a delete that finds nothing changes nothing");
            Map<String, Object> all = memory.getAll();
            assertEquals(Set.of("ready-0", "ready-1", "go"), all.keySet());
            try (Comm fresh = Comm.open(domain)) {
                assertEquals(all, fresh.sharedMemory().getAll());
                assertEquals(memory.version(), fresh.sharedMemory().version());
            }
            for (int j = 0; j < keys; j++) {
                assertNull(memory.get("k" + j));
                assertFalse(memory.delete("k" + j));
            }
        }
    }

    /** Every tenth key holds JSON null: present, but null. */
    private static Object keyValue(int j) {
        return j % 10 == 0 ? null : Map.of("j", j);
    }

    private static void assertContiguous(Map<String, Object> all, int keys) {
        List<Integer> present = new ArrayList<>();
        for (int j = 0; j < keys; j++) {
            if (all.containsKey("k" + j)) {
                present.add(j);
                assertEquals(keyValue(j), all.get("k" + j));
            }
        }
        if (!present.isEmpty()) {
            int lo = present.get(0);
            int hi = present.get(present.size() - 1);
            assertEquals(hi - lo + 1, present.size(), "snapshot is not a state the deleters went through: " + present);
        }
    }

    @Test
    @Timeout(120)
    void publishReachesSubscribersInThreeProcessesInOrderOnce() throws IOException {
        int processes = 3;
        int messages = 1_000;
        Path domain = dir.resolve("d");
        try (Comm comm = Comm.open(domain); Children children = new Children(dir)) {
            SharedMemory memory = comm.sharedMemory();
            List<Object> own = new CopyOnWriteArrayList<>();
            memory.onSubscriberReceive("t", own::add);
            List<Path> results = new ArrayList<>();
            for (int id = 0; id < processes; id++) {
                Path result = dir.resolve("received-" + id + ".txt");
                results.add(result);
                children.start("subscriber", domain.toString(), Integer.toString(id), result.toString());
            }
            awaitFast(() -> allReady(memory, processes), START, children, () -> "children subscribed");
            int noise = 0;
            for (int i = 0; i < messages; i++) {
                memory.publish("t", i);
                if (i % 3 == 0) {
                    memory.publish("noise", "n" + i);
                    noise++;
                }
            }
            memory.publish("t", END);
            for (ChildJvm child : children.all) {
                child.awaitSuccess(FINISH);
            }
            List<String> expected = IntStream.range(0, messages).mapToObj(Integer::toString).collect(Collectors.toList());
            for (Path result : results) {
                List<String> lines = Files.readAllLines(result);
                assertEquals("missed=0 errors=0 noise=" + noise, lines.get(0), result.toString());
                assertEquals(expected, lines.subList(1, lines.size()), "in order, each once: " + result);
            }
            Await.until(() -> own.size() == messages + 1, FINISH, () -> "own subscriber got " + own.size());
            for (int i = 0; i < messages; i++) {
                assertEquals(i, own.get(i));
            }
            assertEquals(END, own.get(messages));
            assertEquals(0, memory.missedMessages());
        }
    }

    @Test
    @Timeout(120)
    @SuppressWarnings("unchecked")
    void lappedSubscriberReportsExactlyWhatItMissed() {
        int messages = 2_000;
        Path domain = dir.resolve("d");
        CommOptions small = CommOptions.builder().pubSubCapacity(SMALL_RING).build();
        try (Comm comm = Comm.open(domain, small)) {
            SharedMemory memory = comm.sharedMemory();
            memory.publish("warmup", 0); // creates the small ring before the child opens it
            assertEquals((long) PubSubLayout.HEADER_LENGTH + SMALL_RING, fileSize(domain.resolve(PubSubRing.FILE_NAME)));
            try (Children children = new Children(dir)) {
                ChildJvm child = children.start("lapped", domain.toString(), Integer.toString(messages), "markers");
                awaitFast(() -> memory.get("ready") != null, START, children, () -> "child subscribed");
                memory.publish("t", 0);
                awaitFast(() -> memory.get("blocked") != null, FINISH, children, () -> "handler blocked on message 0");
                for (int i = 1; i <= messages; i++) {
                    memory.publish("t", i); // laps the blocked subscriber many times over
                }
                memory.set("release", true);
                // end markers until one arrives: the reader learns how much it missed from the next record it reads
                int marker = messages;
                long deadline = System.nanoTime() + FINISH.toNanos();
                while (memory.get("report") == null) {
                    assertTrue(System.nanoTime() < deadline, "no report\n" + child.output());
                    memory.publish("t", ++marker);
                    waitBriefly(() -> memory.get("report") != null, Duration.ofMillis(100));
                }
                Map<String, Object> report = (Map<String, Object>) memory.get("report");
                assertNull(report.get("error"), report.toString());
                int last = ((Number) report.get("last")).intValue();
                long received = ((Number) report.get("received")).longValue();
                long missed = ((Number) report.get("missed")).longValue();
                List<Integer> values = (List<Integer>) report.get("values");
                assertTrue(missed > 0, "missed=" + missed);
                assertEquals(values.size(), received);
                assertEquals(0, values.get(0));
                assertEquals(last, values.get(values.size() - 1));
                for (int i = 1; i < values.size(); i++) {
                    assertTrue(values.get(i) > values.get(i - 1), "out of order or twice: " + values);
                }
                assertEquals(last + 1L, received + missed,
                        "every published message 0.." + last + " is received or counted missed, once: received="
                                + received + " missed=" + missed + " values=" + values);
                child.awaitSuccess(FINISH);
            }
        }
    }

    /**
     * A subscriber lapped while its handler blocked, with nothing published after the lap: its loss
     * must still show in missedMessages() (the brief: "afterwards missedMessages() &gt; 0"), not wait
     * for a message that may never come.
     */
    @Test
    @Timeout(120)
    @SuppressWarnings("unchecked")
    void lappedSubscriberCountsItsLossEvenWhenNothingFollows() {
        int messages = 500;
        Path domain = dir.resolve("d");
        CommOptions small = CommOptions.builder().pubSubCapacity(SMALL_RING).build();
        try (Comm comm = Comm.open(domain, small)) {
            SharedMemory memory = comm.sharedMemory();
            memory.publish("warmup", 0);
            try (Children children = new Children(dir)) {
                ChildJvm child = children.start("lapped", domain.toString(), Integer.toString(messages), "quiet");
                awaitFast(() -> memory.get("ready") != null, START, children, () -> "child subscribed");
                memory.publish("t", 0);
                awaitFast(() -> memory.get("blocked") != null, FINISH, children, () -> "handler blocked on message 0");
                for (int i = 1; i <= messages; i++) {
                    memory.publish("t", i);
                }
                memory.set("release", true);
                awaitFast(() -> memory.get("report") != null, FINISH, children, () -> "report");
                Map<String, Object> report = (Map<String, Object>) memory.get("report");
                assertNull(report.get("error"), report.toString());
                long received = ((Number) report.get("received")).longValue();
                long missed = ((Number) report.get("missed")).longValue();
                child.awaitSuccess(FINISH);
                assertTrue(missed > 0, "lapped by " + messages + " messages, still missedMessages()=0 after "
                        + SharedMemoryChild.QUIET_WAIT + ": " + report);
                assertEquals(messages + 1L, received + missed, report.toString());
            }
        }
    }

    private static void waitBriefly(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(200_000);
        }
    }

    private static long fileSize(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    @Timeout(150)
    void writerKilledMidWriteLeavesACommittedReadableStoreAndReleasesTheLock() throws InterruptedException {
        int trials = 10;
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try (Children children = new Children(dir)) {
            ChildJvm next = children.start("writer", dir.resolve("w0").toString());
            for (int trial = 0; trial < trials; trial++) {
                ChildJvm current = next;
                // the next writer's JVM starts while this trial runs
                next = trial + 1 < trials ? children.start("writer", dir.resolve("w" + (trial + 1)).toString()) : null;
                killMidWriteAndCheck(current, dir.resolve("w" + trial), random, "seed=" + seed + " trial=" + trial);
            }
        }
    }

    private static void killMidWriteAndCheck(ChildJvm child, Path domain, Random random, String trial)
            throws InterruptedException {
        long threshold = 1 + random.nextInt(3_000);
        long extraNanos = random.nextInt(2_000_000);
        try (Comm comm = Comm.open(domain)) {
            SharedMemory memory = comm.sharedMemory();
            long deadline = System.nanoTime() + START.toNanos();
            while (memory.version() < threshold) {
                assertTrue(child.process().isAlive(), trial + " writer died\n" + child.output());
                assertTrue(System.nanoTime() < deadline, trial + " writer too slow: version=" + memory.version());
                LockSupport.parkNanos(50_000);
            }
            long spinUntil = System.nanoTime() + extraNanos;
            while (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            }
            child.process().destroyForcibly();
            assertTrue(child.process().waitFor(30, TimeUnit.SECONDS), trial + " writer survived SIGKILL");
            assertFalse(child.output().contains("ROLE-FAILED"), trial + "\n" + child.output());
            long version = memory.version();
            Map<String, Object> all = memory.getAll();
            String where = trial + " threshold=" + threshold + " version=" + version;
            assertWriterState(all, version, where);
            System.out.println("killed writer: " + where + " pageBytes=" + fileSize(domain.resolve(StoragePage.FILE_NAME)));
            try (Comm fresh = Comm.open(domain)) {
                SharedMemory view = fresh.sharedMemory();
                assertEquals(version, view.version(), where);
                assertEquals(all, view.getAll(), where);
            }
            // the dead writer's lock went with it: the next writer gets in at once
            long start = System.nanoTime();
            Object count = memory.update("count", c -> c == null ? 1L : ((Number) c).longValue() + 1);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis < 5_000, where + " next writer waited " + millis + " ms");
            assertEquals(version + 1, memory.version(), where);
            assertEquals(((Number) all.getOrDefault("count", 0)).longValue() + 1, ((Number) count).longValue(), where);
        }
    }

    /**
     * The writer's iteration i is change 2i+1 (set k(i%64)) and change 2i+2 (count = i+1), so a
     * store at committed version v is fully determined by v.
     */
    private static void assertWriterState(Map<String, Object> all, long version, String where) {
        long count = all.containsKey("count") ? ((Number) all.get("count")).longValue() : 0;
        assertTrue(version == 2 * count || version == 2 * count + 1, where + " count=" + count);
        long lastSet = version % 2 == 1 ? count : count - 1;
        Set<String> expectedKeys = new HashSet<>();
        if (count > 0) {
            expectedKeys.add("count");
        }
        for (long i = Math.max(0, lastSet - WRITER_KEYS + 1); i <= lastSet; i++) {
            String key = "k" + (i % WRITER_KEYS);
            expectedKeys.add(key);
            assertEquals(writerValue((int) i), all.get(key), where + " key=" + key + " iteration=" + i);
        }
        assertEquals(expectedKeys, all.keySet(), where);
    }
}
