package io.litecomm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A closed domain leaves no litecomm thread behind for long: hosts that run an application inside
 * their own JVM ({@code mvn exec:java}, application servers) wait for its threads when it ends, and
 * {@code exec:java} gave up on an idle file-I/O thread after 15 s.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NoLingeringThreadsTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private Set<Thread> before = Set.of();

    @Test
    void aClosedDomainLeavesNoThreadOfOurs() throws InterruptedException {
        before = Set.copyOf(Thread.getAllStackTraces().keySet()); // threads of domains other tests left open
        try (Comm comm = Comm.open(dir.resolve("d"))) {
            Channel<String> jobs = comm.channel("jobs", String.class);
            jobs.send("one");
            assertEquals("one", jobs.receive());
            comm.channel("events", String.class).onReceive(s -> { }).close();
            comm.sharedMemory().set("key", "value");
            assertTrue(ours().size() > 0, "the domain runs threads of its own while open");
        }
        long deadline = System.nanoTime() + BOUND.toNanos();
        List<String> left = ours();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20); // polling a condition with a deadline, not synchronising
            left = ours();
        }
        assertEquals(List.of(), left, "litecomm threads still alive " + BOUND.toSeconds() + " s after close");
    }

    /** Our threads started since the test began, and the shared file-I/O threads whoever started them. */
    private List<String> ours() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> !before.contains(t) || t.getName().equals("litecomm-file-io")).map(Thread::getName)
                .filter(name -> name.startsWith("litecomm-")).sorted().collect(Collectors.toList());
    }
}
