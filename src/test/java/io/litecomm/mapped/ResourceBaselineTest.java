package io.litecomm.mapped;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.SharedMemory;
import io.litecomm.Subscription;
import io.litecomm.WaitStrategy;
import io.litecomm.mapped.file.FileLocks;
import io.litecomm.testing.ChildJvm.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: a closed domain owns nothing any more. After {@code Comm.close()} of a domain that used
 * several channels, a passive handler (the watcher), a {@code BLOCKING} receiver asleep on its
 * doorbell, {@code receiveAsync}, shared memory and a pub/sub subscriber, and file locks, this JVM's
 * threads (by the {@code litecomm-} prefix and in total) and open descriptors ({@code /proc/self/fd})
 * come back to what they were before it was opened; fifty open/close cycles do not make them grow.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ResourceBaselineTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration RECEIVE = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /** What this JVM holds: its live threads and its descriptors' targets. */
    private record Resources(Set<Thread> threads, List<String> descriptors) {

        static Resources now() {
            Set<Thread> threads = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                    .collect(Collectors.toSet());
            return new Resources(threads, descriptorTargets());
        }

        List<String> litecommThreadsNotIn(Resources baseline) {
            return threads.stream().filter(t -> t.getName().startsWith("litecomm-") && !baseline.threads.contains(t))
                    .map(Thread::getName).sorted().toList();
        }

        /** Descriptors beyond the baseline's, by target: the baseline's targets are taken off one by one. */
        List<String> descriptorsNotIn(Resources baseline) {
            List<String> extra = new ArrayList<>(descriptors);
            for (String target : baseline.descriptors) {
                extra.remove(target);
            }
            return extra;
        }

        boolean within(Resources baseline) {
            return litecommThreadsNotIn(baseline).isEmpty() && threads.size() <= baseline.threads.size()
                    && descriptors.size() <= baseline.descriptors.size();
        }

        String comparedWith(Resources baseline) {
            List<String> newThreads = threads.stream().filter(t -> !baseline.threads.contains(t)).map(Thread::getName)
                    .sorted().toList();
            return "threads " + threads.size() + " (baseline " + baseline.threads.size() + "), new: " + newThreads
                    + "; descriptors " + descriptors.size() + " (baseline " + baseline.descriptors.size() + "), new: "
                    + descriptorsNotIn(baseline);
        }
    }

    private static List<String> descriptorTargets() {
        List<String> targets = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    targets.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException e) {
                    // the descriptor of the listing itself, closed by now
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc/self/fd", e);
        }
        return targets;
    }

    /** Waits, with a deadline, until the JVM holds no more than {@code baseline}; fails listing what is left. */
    private static void awaitBaseline(Resources baseline, String after) {
        Await.until(() -> Resources.now().within(baseline), WAIT,
                () -> "after " + after + ": " + Resources.now().comparedWith(baseline));
    }

    private static long bellFiles(Path domain) {
        try (Stream<Path> files = Files.list(domain)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".bell-")).count();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** One domain's life using everything that owns threads or descriptors. */
    private static void useEverything(Path domain) throws Exception {
        try (Comm comm = Comm.open(domain)) {
            for (int i = 0; i < 3; i++) {
                Channel<String> channel = comm.channel("c" + i, String.class);
                channel.send("m" + i);
                assertEquals("m" + i, channel.receive());
            }
            List<String> passive = new CopyOnWriteArrayList<>();
            Channel<String> events = comm.channel("events", String.class);
            Subscription handler = events.onReceive(passive::add);
            events.send("e");
            Await.until(() -> passive.contains("e"), RECEIVE, () -> "the passive handler never ran");

            ChannelOptions blocking = ChannelOptions.builder().waitStrategy(WaitStrategy.BLOCKING).build();
            Channel<String> sleepy = comm.channel("sleepy", String.class, blocking);
            CompletableFuture<Optional<String>> asleep = CompletableFuture.supplyAsync(() -> sleepy.receive(RECEIVE));
            Await.until(() -> bellFiles(domain) > 0, RECEIVE, () -> "the BLOCKING receiver never slept on a doorbell");
            sleepy.send("wake");
            assertEquals(Optional.of("wake"), asleep.get(RECEIVE.toSeconds(), TimeUnit.SECONDS));

            Channel<String> async = comm.channel("async", String.class);
            CompletableFuture<String> future = async.receiveAsync();
            async.send("a");
            assertEquals("a", future.get(RECEIVE.toSeconds(), TimeUnit.SECONDS));

            SharedMemory memory = comm.sharedMemory();
            memory.set("k", 1);
            assertEquals(1, memory.get("k", Integer.class));
            memory.update("n", n -> n == null ? 1 : ((Number) n).intValue() + 1);
            CompletableFuture<Object> published = new CompletableFuture<>();
            memory.onSubscriberReceive("t", published::complete);
            memory.publish("t", "p");
            assertEquals("p", published.get(RECEIVE.toSeconds(), TimeUnit.SECONDS));
            handler.close();

            // lock calls and I/O on a handle of this JVM's shared channel to a file of the domain
            try (FileLocks.Handle locks = FileLocks.open(domain.resolve("c0.chan"))) {
                for (int i = 0; i < 3; i++) {
                    locks.lock().close();
                }
                assertTrue(locks.size() > 0);
            }
        }
    }

    @Test
    void aClosedDomainGivesBackItsThreadsAndDescriptors() throws Exception {
        useEverything(dir.resolve("warm-up")); // class loading, JDK pools and reapers that outlive any domain
        Resources baseline = Resources.now();
        Path domain = dir.resolve("d");
        useEverything(domain);
        awaitBaseline(baseline, "closing the domain");
        assertEquals(0, bellFiles(domain), "doorbell sockets left in the domain");
    }

    @Test
    void fiftyOpenCloseCyclesDoNotGrowTheCounts() throws Exception {
        Path domain = dir.resolve("cycles");
        useEverything(domain);
        Resources baseline = Resources.now();
        for (int i = 0; i < 50; i++) {
            useEverything(domain);
        }
        awaitBaseline(baseline, "50 open/close cycles");
    }
}
