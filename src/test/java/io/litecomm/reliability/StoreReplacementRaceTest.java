package io.litecomm.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Comm;
import io.litecomm.SharedMemory;
import io.litecomm.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code update} stays atomic while the page is replaced by new files again and again: a child
 * process and two {@code Comm}s of this JVM increment one counter while another thread sets and
 * deletes a 300 KB value (each delete compacts into a new file). Every increment is counted once,
 * no two callers got the same value, and the page's file was replaced.
 */
@Timeout(180)
class StoreReplacementRaceTest {

    @TempDir
    Path dir;

    @Test
    void updatesStayAtomicAcrossFileReplacements() throws Exception {
        Path domain = dir.resolve("d");
        int perThread = ReliabilitySupport.count("litecomm.reliability.replacementIncrements", 1_500, 20_000);
        Path childValues = dir.resolve("child-values.txt");
        ExecutorService pool = Executors.newFixedThreadPool(3);
        AtomicBoolean stop = new AtomicBoolean();
        try (Comm one = Comm.open(domain); Comm two = Comm.open(domain);
             ChildJvm child = ChildJvm.start(dir.resolve("logs"), StoreChild.class, domain.toString(), "1")) {
            child.awaitOutput("IN-LOCK", Duration.ofSeconds(90));
            ReliabilitySupport.tell(child, "release");
            child.awaitOutput("RELEASED", Duration.ofSeconds(90));
            Object firstFile = Files.getAttribute(domain.resolve("storage.page"), "unix:ino", LinkOption.NOFOLLOW_LINKS);
            Set<Object> files = new HashSet<>();
            Future<Integer> churn = pool.submit(() -> {
                String big = "c".repeat(300_000);
                int cycles = 0;
                while (!stop.get()) {
                    one.sharedMemory().set("big", big);
                    one.sharedMemory().delete("big");
                    files.add(Files.getAttribute(domain.resolve("storage.page"), "unix:ino", LinkOption.NOFOLLOW_LINKS));
                    cycles++;
                }
                return cycles;
            });
            List<Future<List<Long>>> counters = new ArrayList<>();
            for (SharedMemory memory : List.of(one.sharedMemory(), two.sharedMemory())) {
                counters.add(pool.submit(() -> {
                    List<Long> got = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        got.add(((Number) memory.update("counter", c -> c == null ? 1L : ((Number) c).longValue() + 1))
                                .longValue());
                    }
                    return got;
                }));
            }
            ReliabilitySupport.tell(child, "count " + perThread + " " + childValues);
            child.awaitOutput("COUNTED", Duration.ofSeconds(150));
            Set<Long> seen = new HashSet<>();
            int total = 0;
            for (Future<List<Long>> counter : counters) {
                for (long value : counter.get(150, TimeUnit.SECONDS)) {
                    assertTrue(seen.add(value), "two callers got " + value);
                    total++;
                }
            }
            stop.set(true);
            int cycles = churn.get(60, TimeUnit.SECONDS);
            for (String line : Files.readAllLines(childValues)) {
                assertTrue(seen.add(Long.parseLong(line)), "two callers got " + line);
                total++;
            }
            assertEquals(3 * perThread, total);
            assertEquals((long) total, ((Number) two.sharedMemory().get("counter")).longValue());
            assertNull(one.sharedMemory().get("big"));
            files.remove(firstFile);
            assertTrue(!files.isEmpty(), "the page was replaced");
            ReliabilitySupport.tell(child, "exit");
            child.awaitSuccess(Duration.ofSeconds(60));
            System.out.println("RELIABILITY store replaced under updates: increments=" + total + " set/delete cycles="
                    + cycles + " page files seen=" + (files.size() + 1));
        } finally {
            stop.set(true);
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        }
    }
}
