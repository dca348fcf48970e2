package io.litecomm.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.Comm;
import io.litecomm.SharedMemory;
import io.litecomm.mapped.inspect.StoragePageLayout;
import io.litecomm.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, symptom 9: a 20 MB value set and deleted three times left a 160 MB {@code storage.page}
 * holding 11 KB. After every change the store's files now hold at most twice the live data plus
 * {@link StoragePageLayout#MIN_FOOTPRINT}, in one process and in a cycle across two, where the
 * reader keeps reading whole, correct values throughout (no SIGBUS, no {@code InternalError}) and
 * neither process keeps more than a bounded number of replaced mappings.
 */
@Timeout(180)
class StoreFootprintTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Bytes of every file of the domain's store: the page and any hidden new page left behind. */
    static long footprint(Path domain) throws IOException {
        try (Stream<Path> files = Files.list(domain)) {
            return files.filter(f -> {
                String name = f.getFileName().toString();
                return name.equals("storage.page") || name.startsWith(".storage.page.");
            }).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /** The most the store's files may hold for what {@code memory} holds now. */
    static long bound(SharedMemory memory) throws IOException {
        long live = JSON.writeValueAsBytes(memory.getAll()).length + 4096L;
        return StoragePageLayout.footprintBound(live);
    }

    @Test
    void aTwentyMegabyteValueCycledThreeTimesLeavesAtMostTwiceTheLiveData() throws IOException {
        Path domain = dir.resolve("d");
        List<String> figures = new ArrayList<>();
        try (Comm comm = Comm.open(domain)) {
            SharedMemory memory = comm.sharedMemory();
            memory.set("small", "s".repeat(10_000));
            for (int round = 0; round < 3; round++) {
                memory.set("big", StoreCycler.big(round));
                long afterSet = footprint(domain);
                assertTrue(afterSet <= bound(memory), "round " + round + " after set: " + afterSet + " > " + bound(memory));
                assertTrue(memory.delete("big"));
                long afterDelete = footprint(domain);
                assertTrue(afterDelete <= bound(memory), "round " + round + " after delete: " + afterDelete
                        + " > " + bound(memory));
                figures.add(afterSet + "/" + afterDelete);
            }
            assertEquals("s".repeat(10_000), memory.get("small"));
        }
        try (Comm again = Comm.open(domain)) {
            assertEquals(1, again.sharedMemory().getAll().size(), "a fresh process reads the compacted page");
        }
        System.out.println("RELIABILITY store footprint, one process: bytes after set/after delete per round=" + figures);
    }

    @Test
    void aCycleAcrossTwoProcessesKeepsTheFootprintAndThePeerReadsWholeValues() throws Exception {
        Path domain = dir.resolve("d");
        int rounds = 3;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        AtomicLong wholeValues = new AtomicLong();
        AtomicReference<Throwable> readerFailure = new AtomicReference<>();
        List<String> figures = new ArrayList<>();
        try (Comm comm = Comm.open(domain);
             ChildJvm child = ChildJvm.start(dir.resolve("logs"), StoreCycler.class, domain.toString(),
                     String.valueOf(rounds))) {
            SharedMemory memory = comm.sharedMemory();
            Thread reader = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        Object value = memory.get("big");
                        reads.incrementAndGet();
                        if (value != null) {
                            assertTrue(StoreCycler.roundOf(value) >= 0, "a partial or damaged value");
                            wholeValues.incrementAndGet();
                        }
                    }
                } catch (Throwable t) {
                    readerFailure.set(t);
                }
            }, "footprint-reader");
            reader.setDaemon(true);
            reader.start();
            try {
                for (int round = 0; round < rounds; round++) {
                    child.awaitOutput("SET " + round, Duration.ofSeconds(120));
                    assertEquals(round, StoreCycler.roundOf(memory.get("big")), "a get after the peer's set sees it");
                    long afterSet = footprint(domain);
                    assertTrue(afterSet <= bound(memory), "round " + round + " after set: " + afterSet);
                    ReliabilitySupport.tell(child, "next");
                    child.awaitOutput("DELETED " + round, Duration.ofSeconds(120));
                    assertNull(memory.get("big"), "a get after the peer's delete sees it");
                    long afterDelete = footprint(domain);
                    assertTrue(afterDelete <= bound(memory), "round " + round + " after delete: " + afterDelete);
                    figures.add(afterSet + "/" + afterDelete);
                    ReliabilitySupport.tell(child, "next");
                }
                child.awaitOutput("DONE", Duration.ofSeconds(120));
            } finally {
                stop.set(true);
                reader.join(Duration.ofSeconds(30).toMillis());
            }
            assertNull(readerFailure.get(), () -> "the reader failed: " + readerFailure.get());
            int parentMaps = ReliabilitySupport.mappings("self", domain + "/storage.page (deleted)").size();
            String childMaps = ReliabilitySupport.lineAfter(child, "MAPS ");
            assertTrue(parentMaps <= 17 && Integer.parseInt(childMaps.trim()) <= 17, parentMaps + " " + childMaps);
            child.awaitSuccess(Duration.ofSeconds(60));
            System.out.println("RELIABILITY store footprint, two processes: bytes after set/after delete per round="
                    + figures + " reads=" + reads + " whole 20 MB values read=" + wholeValues
                    + " replaced mappings still mapped: reader=" + parentMaps + " writer=" + childMaps.trim());
        }
    }
}
