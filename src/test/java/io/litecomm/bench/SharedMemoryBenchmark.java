package io.litecomm.bench;

import io.litecomm.Comm;
import io.litecomm.SharedMemory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Cost of {@link SharedMemory} operations, in ns per operation, for a store of {@code keys} keys.
 *
 * <p>Run (from the project root; quick settings):
 *
 * <pre>
 * mvn -B -q -DskipTests test-compile exec:exec@bench -Djmh.args="SharedMemory -f 1 -wi 3 -i 5 -w 1s -r 1s"
 * </pre>
 *
 * <ul>
 *   <li>{@code getUnchanged}: {@code get} of a key on a store nobody changes: the cached path (two
 *       volatile reads of the mapping, a hash lookup).</li>
 *   <li>{@code getAfterRemoteSet}: a second {@code Comm} on the same directory (in this JVM it
 *       behaves as another process) sets the key, then this one gets it: one op is the remote
 *       {@code set} plus the local {@code get} that must see it, including the reader's share of
 *       re-reading the page after the writer's compactions.</li>
 *   <li>{@code set}, {@code update}: one write by this process (file lock, append, and the amortised
 *       compaction of the whole store into the other slot when the active one fills).</li>
 * </ul>
 *
 * <p>Keys are visited round robin; values are numbers. Every trial opens a fresh domain directory
 * under {@code /dev/shm} (the temporary directory if there is none), fills it, and deletes it after.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class SharedMemoryBenchmark {

    private static final UnaryOperator<Object> INCREMENT = n -> n == null ? 1L : ((Number) n).longValue() + 1;

    /** Keys in the store. */
    @Param({"100", "100000"})
    public int keys;

    private Path directory;
    private Comm local;
    private Comm remote;
    private SharedMemory memory;
    private SharedMemory remoteMemory;
    private String[] names;
    private int next;
    private long counter;

    @Setup(Level.Trial)
    public void setUp() {
        directory = newDomainDirectory();
        local = Comm.open(directory);
        remote = Comm.open(directory);
        memory = local.sharedMemory();
        remoteMemory = remote.sharedMemory();
        names = new String[keys];
        for (int i = 0; i < keys; i++) {
            names[i] = "key-" + i;
            memory.set(names[i], (long) i);
        }
        if (memory.getAll().size() != keys || remoteMemory.getAll().size() != keys) {
            throw new IllegalStateException("store not filled: keys=" + keys);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            if (remote != null) {
                remote.close();
            }
            if (local != null) {
                local.close();
            }
        } finally {
            deleteRecursively(directory);
        }
    }

    private String nextKey() {
        int i = next;
        next = i + 1 == keys ? 0 : i + 1;
        return names[i];
    }

    @Benchmark
    public Object getUnchanged() {
        return memory.get(nextKey());
    }

    @Benchmark
    public Object getAfterRemoteSet() {
        String key = nextKey();
        long value = ++counter;
        remoteMemory.set(key, value);
        Object seen = memory.get(key);
        if (!(seen instanceof Number n) || n.longValue() != value) {
            throw new IllegalStateException("stale read: key=" + key + " expected=" + value + " got=" + seen);
        }
        return seen;
    }

    @Benchmark
    public void set() {
        memory.set(nextKey(), ++counter);
    }

    @Benchmark
    public Object update() {
        return memory.update(nextKey(), INCREMENT);
    }

    static Path newDomainDirectory() {
        Path shm = Path.of("/dev/shm");
        Path parent = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        try {
            return Files.createTempDirectory(parent, "litecomm-bench-sm-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path directory) {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
