package io.litecomm.mapped.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.spi.TransportException;
import io.litecomm.testing.ChildJvm.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: nothing process-wide in the file plumbing. A domain's I/O threads end when it and its
 * handles are closed; the per-JVM tables ({@code FileLocks} channels, {@code DomainDirectory} locks)
 * lose their entries with their last user; two domains on one path still exclude each other; the
 * shared channel, replaced after it was closed, is replaced once, not once per I/O thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OwnedFileIoTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private static Set<Thread> fileIoThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> t.getName().startsWith(FileIo.THREAD_NAME)).collect(Collectors.toSet());
    }

    private Path file(String name) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, new byte[4096]);
        return file;
    }

    @Test
    void closingTheDomainEndsItsIoThreadsOnceItsHandlesAreClosed() throws IOException {
        Set<Thread> before = fileIoThreads();
        DomainDirectory domain = DomainDirectory.open(dir.resolve("d"));
        Path file = domain.path().resolve("f");
        Files.write(file, new byte[4096]);
        FileLocks.Handle handle = FileLocks.open(domain, file);
        assertEquals(4096, handle.size());
        Set<Thread> ours = fileIoThreads();
        ours.removeAll(before);
        assertFalse(ours.isEmpty(), "the I/O ran on a thread of the domain");

        domain.close();
        assertEquals(4096, handle.size(), "a handle still open keeps the domain's I/O threads working");
        TransportException refused = assertThrows(TransportException.class, () -> FileLocks.open(domain, file));
        assertEquals("domain closed: dir=" + domain.path(), refused.getMessage());

        handle.close();
        Await.until(() -> ours.stream().noneMatch(Thread::isAlive), WAIT,
                () -> "file I/O threads of a closed domain still alive: " + ours);
        domain.close(); // idempotent
    }

    @Test
    void aHandleWithoutADomainEndsItsThreadsWhenClosed() throws IOException {
        Set<Thread> before = fileIoThreads();
        FileLocks.Handle handle = FileLocks.open(file("f"));
        assertEquals(4096, handle.size());
        Set<Thread> ours = fileIoThreads();
        ours.removeAll(before);
        handle.close();
        Await.until(() -> ours.stream().noneMatch(Thread::isAlive), WAIT, () -> "file I/O threads still alive: " + ours);
    }

    @Test
    void sharedChannelsGoWithTheirLastHandle() throws IOException {
        int before = FileLocks.openFiles();
        Path file = file("f");
        FileLocks.Handle first = FileLocks.open(file);
        FileLocks.Handle second = FileLocks.open(file);
        assertEquals(before + 1, FileLocks.openFiles(), "one channel per file per JVM");
        first.lock().close();
        first.close();
        first.close(); // idempotent: must not take the second handle's reference
        assertEquals(before + 1, FileLocks.openFiles());
        second.lock().close();
        second.close();
        assertEquals(before, FileLocks.openFiles());
    }

    @Test
    void domainLocksGoWithTheLastDomainOnTheirPath() {
        int before = DomainDirectory.lockedPaths();
        DomainDirectory a = DomainDirectory.open(dir.resolve("d"));
        DomainDirectory b = DomainDirectory.open(dir.resolve("d"));
        assertEquals(before + 1, DomainDirectory.lockedPaths());
        a.close();
        a.close(); // idempotent: must not take b's share
        assertEquals(before + 1, DomainDirectory.lockedPaths());
        assertEquals("b", b.withLock(() -> "b"));
        b.close();
        assertEquals(before, DomainDirectory.lockedPaths());
        TransportException refused = assertThrows(TransportException.class, () -> b.withLock(() -> "late"));
        assertEquals("domain closed: dir=" + b.path(), refused.getMessage());
        for (int i = 0; i < 100; i++) {
            DomainDirectory.open(dir.resolve("d" + i)).close();
        }
        assertEquals(before, DomainDirectory.lockedPaths(), "one entry per domain path ever opened");
    }

    @Test
    void twoDomainsOnOnePathExcludeEachOther() throws Exception {
        DomainDirectory a = DomainDirectory.open(dir.resolve("d"));
        DomainDirectory b = DomainDirectory.open(dir.resolve("d"));
        // a third domain opened after the first one closed must still exclude the second
        DomainDirectory c;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            runTogether(threads, List.of(a, b, a, b), inside, most);
            a.close();
            c = DomainDirectory.open(dir.resolve("d"));
            runTogether(threads, List.of(b, c, b, c), inside, most);
            assertEquals(1, most.get(), "two sections ran at once");
        } finally {
            threads.shutdownNow();
            assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
        }
        b.close();
        c.close();
    }

    private static void runTogether(ExecutorService threads, List<DomainDirectory> domains, AtomicInteger inside,
            AtomicInteger most) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (DomainDirectory domain : domains) {
            done.add(threads.submit(() -> {
                start.await();
                for (int i = 0; i < 200; i++) {
                    domain.withLock(() -> {
                        most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        Thread.yield();
                        return inside.decrementAndGet();
                    });
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
    }

    private static long descriptorsTo(Path file) throws IOException {
        String target = file.toRealPath().toString();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().equals(target);
                } catch (IOException e) {
                    return false;
                }
            }).count();
        }
    }

    /**
     * Regression: I/O threads read the shared channel without the lock its Javadoc required, and
     * each that found it closed opened its own: all but the last stored leaked (and closing one
     * later would have dropped this JVM's locks on the file).
     */
    @Test
    void aClosedChannelIsReopenedOnceWhateverTheThreads() throws Exception {
        Path file = file("f");
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 30; round++) {
                FileLocks.Handle handle = FileLocks.open(file);
                handle.discardChannel();
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Long>> sizes = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    sizes.add(callers.submit(() -> {
                        start.await();
                        return handle.size();
                    }));
                }
                start.countDown();
                for (Future<Long> size : sizes) {
                    assertEquals(4096L, size.get(30, TimeUnit.SECONDS));
                }
                assertEquals(1, descriptorsTo(file), "round " + round + ": channels open to the file");
                handle.close();
                assertEquals(0, descriptorsTo(file), "round " + round + ": channels left after the last handle closed");
            }
        } finally {
            callers.shutdownNow();
            assertTrue(callers.awaitTermination(10, TimeUnit.SECONDS));
        }
    }
}
