package io.litecomm.mapped.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Comm;
import io.litecomm.SharedMemory;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers racing a writer that compacts all the time (FORMAT.md 9.4): a reader judges only what
 * it read under one generation, so it never reports a slot being rewritten as corruption and never
 * serves a view no writer committed. Two {@code Comm}s on one directory stand for two processes.
 */
class StoreReaderRaceTest {

    private static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(2);

    @TempDir
    Path dir;

    @Test
    void readersNeverSeeATornPageWhileTheWriterCompacts() throws Exception {
        Path domain = dir.resolve("d");
        String filler = "x".repeat(2_000);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong reads = new AtomicLong();
        AtomicLong writes = new AtomicLong();
        try (Comm writerDomain = Comm.open(domain); Comm readerDomain = Comm.open(domain)) {
            SharedMemory writer = writerDomain.sharedMemory();
            SharedMemory reader = readerDomain.sharedMemory();
            writer.set("n", 0L);
            long end = System.nanoTime() + RUN_NANOS;
            Thread readers = new Thread(() -> {
                try {
                    long last = -1;
                    while (System.nanoTime() - end < 0 && failure.get() == null) {
                        Map<String, Object> all = reader.getAll();
                        long n = ((Number) all.get("n")).longValue();
                        // the writer sets "n" after each key it rewrites: a view is never older than
                        // one already seen, and every key it names holds the full value
                        assertTrue(n >= last, "view went back: n=" + n + " after " + last);
                        last = n;
                        for (Map.Entry<String, Object> e : all.entrySet()) {
                            if (e.getKey().startsWith("k")) {
                                assertEquals(filler.length() + 8, ((String) e.getValue()).length(), e.getKey());
                            }
                        }
                        reads.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "store-reader");
            readers.start();
            try {
                long n = 0;
                while (System.nanoTime() - end < 0 && failure.get() == null) {
                    writer.set("k" + (n % 16), String.format("%08d", n) + filler);
                    writer.set("n", ++n);
                    writes.incrementAndGet();
                }
            } finally {
                readers.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
        if (failure.get() != null) {
            throw new AssertionError("after reads=" + reads + " writes=" + writes, failure.get());
        }
        assertTrue(writes.get() > 100 && reads.get() > 100, "reads=" + reads + " writes=" + writes);
    }
}
