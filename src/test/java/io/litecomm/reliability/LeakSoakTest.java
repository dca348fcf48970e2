package io.litecomm.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.CommOptions;
import io.litecomm.ProcessManager;
import io.litecomm.SharedMemory;
import io.litecomm.WaitStrategy;
import io.litecomm.testing.ChildJvm.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY #19, leak soak: open/close cycles of a {@code Comm} using a channel (both wait
 * strategies that differ in resources: back-off and doorbell sockets), {@code receiveAsync}, shared
 * memory and pub/sub; and child restarts through a {@code ProcessManager}. Passes when this JVM's
 * file descriptors ({@code /proc/self/fd}) and threads come back to their baseline within 2, and the
 * mappings of the domain's files ({@code /proc/self/maps}) do too once the garbage collector has run
 * (Java 17 cannot unmap deterministically, so the test collects and waits with a deadline), and no
 * socket or temporary file is left in the domain.
 *
 * <p>Short form: 200 cycles, 10 restarts. Long form: 1,000 and 100.
 * {@code -Dlitecomm.reliability.soakCycles=N}, {@code -Dlitecomm.reliability.soakRestarts=N}.
 */
@Timeout(900)
class LeakSoakTest {

    private static final int CYCLES = ReliabilitySupport.count("litecomm.reliability.soakCycles", 200, 1_000);
    private static final int RESTARTS = ReliabilitySupport.count("litecomm.reliability.soakRestarts", 10, 100);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int SLACK = 2;

    @TempDir
    Path dir;

    private static void cycle(Path domain, int i) throws Exception {
        WaitStrategy strategy = i % 2 == 0 ? WaitStrategy.BACKOFF : WaitStrategy.BLOCKING;
        CommOptions options = CommOptions.builder().waitStrategy(strategy).pubSubCapacity(4096).build();
        try (Comm comm = Comm.open(domain, options)) {
            Channel<String> channel = comm.channel("c", String.class);
            channel.send("m" + i);
            assertEquals("m" + i, channel.receive());
            assertTrue(channel.receive(Duration.ofMillis(2)).isEmpty());
            Channel<String> async = comm.channel("async", String.class);
            CompletableFuture<String> future = async.receiveAsync();
            async.send("a" + i);
            assertEquals("a" + i, future.get(30, TimeUnit.SECONDS));
            SharedMemory memory = comm.sharedMemory();
            memory.set("k", i);
            memory.update("n", n -> n == null ? 1 : ((Number) n).intValue() + 1);
            CompletableFuture<Object> published = new CompletableFuture<>();
            memory.onSubscriberReceive("t", published::complete);
            memory.publish("t", i);
            assertEquals(i, published.get(30, TimeUnit.SECONDS));
        }
    }

    private static int mappings(Path domain) {
        return ReliabilitySupport.mappings("self", domain.toString()).size();
    }

    /** Collects garbage until the domain's mappings drop to {@code limit}, with a deadline. */
    private static void awaitMappingsAtMost(Path domain, int limit) {
        Await.until(() -> {
            System.gc();
            return mappings(domain) <= limit;
        }, WAIT, () -> "mappings of " + domain + " stayed above " + limit + ":\n"
                + String.join("\n", ReliabilitySupport.mappings("self", domain.toString())));
    }

    private static void awaitDescriptorsAndThreadsAtMost(int fds, int threads, String after) {
        Await.until(() -> ReliabilitySupport.openFileDescriptors() <= fds && ReliabilitySupport.threads() <= threads, WAIT,
                () -> "after " + after + ": descriptors " + ReliabilitySupport.openFileDescriptors() + " (limit " + fds
                        + "), threads " + ReliabilitySupport.threads() + " (limit " + threads + ")\n"
                        + ReliabilitySupport.fileDescriptorTargets() + "\n" + ReliabilitySupport.threadNames());
    }

    @Test
    void openCloseCyclesComeBackToTheBaseline() throws Exception {
        Path domain = dir.resolve("d");
        for (int i = 0; i < 4; i++) {
            cycle(domain, i);
        }
        awaitMappingsAtMost(domain, 0);
        int fds = ReliabilitySupport.openFileDescriptors();
        int threads = ReliabilitySupport.threads();
        long start = System.nanoTime();
        for (int i = 0; i < CYCLES; i++) {
            cycle(domain, i);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        awaitDescriptorsAndThreadsAtMost(fds + SLACK, threads + SLACK, CYCLES + " cycles");
        awaitMappingsAtMost(domain, SLACK);
        try (Stream<Path> files = Files.list(domain)) {
            List<String> left = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".sock") || n.endsWith(".tmp")).toList();
            assertEquals(List.of(), left, "sockets or temporary files left in the domain");
        }
        System.out.println("RELIABILITY #19 cycles=" + CYCLES + " ms=" + millis + " fds=" + fds + "->"
                + ReliabilitySupport.openFileDescriptors() + " threads=" + threads + "->" + ReliabilitySupport.threads()
                + " mappings=" + mappings(domain));
    }

    private static void awaitReady(Channel<String> ready, ProcessManager processes) {
        String pid = ready.receive(WAIT).orElseThrow(() -> new AssertionError("the child never announced itself"));
        assertEquals(Long.toString(processes.pid("soak").orElseThrow()), pid, "a message from another run of the child");
    }

    /** Starts the child, restarts it {@code restarts} times, returns the figures measured after the first restart. */
    private static int[] restartCycle(Path domain, int restarts) {
        try (Comm comm = Comm.open(domain); ProcessManager processes = new ProcessManager(comm)) {
            Channel<String> ready = comm.channel("soak-ready", String.class);
            processes.add("soak", SoakChild.class);
            processes.start("soak");
            awaitReady(ready, processes);
            processes.restart("soak");
            awaitReady(ready, processes);
            int fds = ReliabilitySupport.openFileDescriptors();
            int threads = ReliabilitySupport.threads();
            for (int r = 0; r < restarts; r++) {
                processes.restart("soak");
                awaitReady(ready, processes);
            }
            awaitDescriptorsAndThreadsAtMost(fds + SLACK, threads + SLACK, restarts + " restarts");
            return new int[] {fds, threads, ReliabilitySupport.openFileDescriptors(), ReliabilitySupport.threads()};
        }
    }

    @Test
    void childRestartsComeBackToTheBaseline() {
        // a first round creates what lives on in the JVM for a while (idle pooled threads: process reapers, file I/O)
        restartCycle(dir.resolve("warm-up"), 0);
        int fdsBefore = ReliabilitySupport.openFileDescriptors();
        int threadsBefore = ReliabilitySupport.threads();
        int[] figures = restartCycle(dir.resolve("d"), RESTARTS);
        awaitDescriptorsAndThreadsAtMost(fdsBefore + SLACK, threadsBefore + SLACK, "closing the manager and the domain");
        System.out.println("RELIABILITY #19 restarts=" + RESTARTS + " fds=" + figures[0] + "->" + figures[2] + " threads="
                + figures[1] + "->" + figures[3] + "; after close fds=" + fdsBefore + "->"
                + ReliabilitySupport.openFileDescriptors() + " threads=" + threadsBefore + "->" + ReliabilitySupport.threads());
    }
}
