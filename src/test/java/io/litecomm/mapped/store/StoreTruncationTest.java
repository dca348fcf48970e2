package io.litecomm.mapped.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.CorruptFileException;
import io.litecomm.SharedMemory;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 11, symptom 6 (storage half), in one JVM: {@code storage.page} or {@code pubsub.ring} cut to
 * 0 or 4096 bytes while this process has it mapped. Every call on the store then ends up failing
 * with {@link CorruptFileException} naming the file (never an {@code OverlappingFileLockException};
 * a read's fault the JVM reports only after the call returned is the one exception, counted), the
 * fault is latched, and the domain's channels and the other store file keep working.
 */
@Timeout(60)
class StoreTruncationTest {

    @TempDir
    Path dir;

    private static final Map<String, Consumer<SharedMemory>> PAGE_CALLS = Map.of(
            "get", m -> m.get("k"),
            "set", m -> m.set("k", "v2"),
            "update", m -> m.update("k", v -> "v3"),
            "delete", m -> m.delete("k"),
            "getAll", SharedMemory::getAll,
            "version", SharedMemory::version);

    private static final Map<String, Consumer<SharedMemory>> RING_CALLS = Map.of(
            "publish", m -> m.publish("t", "m"),
            "subscribe", m -> m.onSubscriberReceive("t2", x -> { }));

    private static final Set<String> READS = Set.of("get", "getAll", "version");

    static void truncate(Path file, long length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);
        }
    }

    @ParameterizedTest
    @CsvSource({"storage.page,0", "storage.page,4096", "pubsub.ring,0", "pubsub.ring,4096"})
    void everyCallAfterTruncationIsCorruptNamingTheFile(String name, long length) throws IOException {
        try (Comm comm = Comm.open(dir.resolve("d"))) {
            SharedMemory memory = comm.sharedMemory();
            Channel<String> bystander = comm.channel("bystander", String.class);
            memory.set("k", "v");
            memory.publish("t", "before");
            List<Object> seen = new ArrayList<>();
            memory.onSubscriberReceive("t", seen::add);
            truncate(comm.directory().resolve(name), length);
            Map<String, Consumer<SharedMemory>> calls = name.equals("storage.page") ? PAGE_CALLS : RING_CALLS;
            List<String> outcomes = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (Map.Entry<String, Consumer<SharedMemory>> call : calls.entrySet()) {
                    outcomes.add(call.getKey() + ": " + outcome(memory, call.getValue()));
                }
            }
            // a read whose header words are intact (cut to 4096) is served from the cache until a call
            // touches a lost page or checks the length (every write does); a read's fast path may fault
            // in compiled code and the JVM report it only after the call returned (docs/FORMAT.md
            // section 8): a bare InternalError in the caller. From the first report on, latched; the
            // last round is all CorruptFileException
            boolean latched = false;
            int late = 0;
            for (int i = 0; i < outcomes.size(); i++) {
                String outcome = outcomes.get(i);
                boolean corrupt = outcome.contains("CorruptFileException") && outcome.contains(name)
                        && outcome.contains("truncated");
                boolean read = READS.contains(outcome.substring(0, outcome.indexOf(':')));
                boolean cachedRead = outcome.endsWith(": returned") && read && !latched;
                boolean lateFault = outcome.contains("OTHER java.lang.InternalError") && read;
                boolean lastRound = i >= outcomes.size() - calls.size();
                assertTrue(corrupt || !lastRound && (cachedRead || lateFault), outcomes.toString());
                latched |= corrupt;
                late += lateFault ? 1 : 0;
            }
            System.out.println("RELIABILITY store truncated in this JVM: file=" + name + " length=" + length
                    + " calls=" + outcomes.size() + " late InternalErrors=" + late);
            bystander.send("still here");
            assertEquals("still here", bystander.receive());
            if (name.equals("pubsub.ring")) {
                assertEquals("v", memory.get("k"), "the page is not affected by the ring's truncation");
            } else {
                memory.publish("t", "ring unaffected");
            }
        }
    }

    private static String outcome(SharedMemory memory, Consumer<SharedMemory> call) {
        try {
            call.accept(memory);
            return "returned";
        } catch (CorruptFileException e) {
            return "CorruptFileException " + e.getMessage();
        } catch (Throwable e) {
            return "OTHER " + e;
        }
    }
}
