package io.litecomm.reliability;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.testing.ChildJvm;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 11, symptom 6 (storage half): {@code storage.page} or {@code pubsub.ring} truncated to 0 or
 * 4096 bytes by another process while a peer whose store operations run compiled has it mapped.
 * The peer never dies and never sees {@code OverlappingFileLockException}; every operation on the
 * truncated file ends up failing with {@code CorruptFileException} naming it (a read whose header
 * words are intact may be served from the cache before that; the JVM may report a fault once more,
 * late, as a bare {@code InternalError}: counted and printed, see docs/FORMAT.md section 8), and
 * the last call of each is a {@code CorruptFileException}; operations on the other file and a
 * channel keep working. Trials per case: {@code litecomm.reliability.storeTruncations} (1 / 10).
 */
@Timeout(900)
class StoreTruncatedMappingTest {

    private static final Set<String> PAGE_OPS = Set.of("get", "set", "update", "delete", "getAll", "version");
    private static final Set<String> READS = Set.of("get", "getAll", "version");

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"storage.page,0", "storage.page,4096", "pubsub.ring,0", "pubsub.ring,4096"})
    void aPeerTruncatesTheFileWhileMapped(String name, long length) throws IOException {
        int trials = ReliabilitySupport.count("litecomm.reliability.storeTruncations", 1, 10);
        int[] totals = new int[3];
        for (int trial = 0; trial < trials; trial++) {
            int[] figures = trial(dir.resolve("t" + trial), name, length);
            for (int i = 0; i < totals.length; i++) {
                totals[i] += figures[i];
            }
        }
        System.out.println("RELIABILITY store truncated to " + length + " while mapped: file=" + name + " trials=" + trials
                + " calls=" + totals[0] + " calls on it served from the cache before the first CorruptFileException="
                + totals[1] + " late InternalErrors=" + totals[2]);
    }

    /** One child, one cut; returns calls, calls served from the cache before the first report, late faults. */
    private static int[] trial(Path root, String name, long length) throws IOException {
        Path domain = root.resolve("d");
        try (ChildJvm child = ChildJvm.start(root.resolve("logs"), StoreTruncationVictim.class, domain.toString())) {
            child.awaitOutput("READY", Duration.ofSeconds(90));
            try (RandomAccessFile raf = new RandomAccessFile(domain.resolve(name).toFile(), "rw")) {
                raf.setLength(length);
            }
            ReliabilitySupport.tell(child, "go");
            child.awaitSuccess(Duration.ofSeconds(90));
            String output = child.output();
            assertTrue(output.contains("BYSTANDER ok") && output.contains("DONE"), output);
            assertFalse(output.contains("OverlappingFileLockException") || output.contains("OUTCOME OTHER")
                    || output.contains("LATE "), output);
            boolean pageCut = name.equals("storage.page");
            List<String> outcomes = output.lines().filter(l -> l.startsWith("OUTCOME ")).toList();
            int late = 0;
            int beforeFirstCorrupt = 0;
            boolean latched = false;
            Map<String, String> last = new HashMap<>();
            for (String line : outcomes) {
                String[] parts = line.split(" ", 3);
                String op = parts[1];
                String outcome = parts[2];
                if (PAGE_OPS.contains(op) != pageCut) {
                    assertTrue(outcome.equals("RETURNED"), "another file is not affected: " + line + "\n" + output);
                    continue;
                }
                boolean corrupt = outcome.startsWith("CORRUPT ") && outcome.contains(name) && outcome.contains("truncated");
                boolean cached = outcome.equals("RETURNED") && READS.contains(op) && !latched;
                boolean lateFault = outcome.startsWith("INTERNAL ");
                assertTrue(corrupt || cached || lateFault, line + "\n" + output);
                late += lateFault ? 1 : 0;
                latched |= corrupt;
                beforeFirstCorrupt += latched ? 0 : 1;
                last.put(op, outcome);
            }
            assertTrue(latched, output);
            for (Map.Entry<String, String> op : last.entrySet()) {
                assertTrue(op.getValue().startsWith("CORRUPT "), "latched: " + op + "\n" + output);
            }
            return new int[] {outcomes.size(), beforeFirstCorrupt, late};
        }
    }
}
