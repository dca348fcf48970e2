package io.litecomm.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Comm;
import io.litecomm.SharedMemory;
import io.litecomm.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY #3, a storage writer SIGKILLed inside its lock: a child ({@link StoreChild}) commits
 * some keys, then runs {@code update} whose function blocks inside the store's lock; a thread of
 * this process queues behind it in {@code update}; the child is SIGKILLed there.
 *
 * <p>Passes when the queued update completes within 1 s of the kill signal (a bound on "from the
 * death", since the process exits after the signal), sees the last committed state, {@code version()}
 * is the child's last committed version plus that one update, {@code getAll()} is exactly what was
 * committed, and a fresh process view agrees.
 *
 * <p>Short form: 3 trials. Long form: 100. {@code -Dlitecomm.reliability.lockKills=N} sets it.
 */
@Timeout(900)
class StorageWriterKilledInLockTest {

    private static final int TRIALS = ReliabilitySupport.count("litecomm.reliability.lockKills", 3, 100);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long ONE_SECOND = TimeUnit.SECONDS.toNanos(1);

    @TempDir
    Path dir;

    private static Map<String, Object> committed(int keys) {
        Map<String, Object> expected = new LinkedHashMap<>();
        for (int i = 0; i < keys; i++) {
            expected.put("k" + i, StoreChild.value(i));
        }
        return expected;
    }

    @Test
    void anotherProcessGetsTheLockWithinOneSecondOfTheDeath() throws InterruptedException {
        long worstFromSignal = 0;
        long worstFromExit = 0;
        for (int trial = 0; trial < TRIALS; trial++) {
            Path domain = dir.resolve("d" + trial);
            int keys = 20 + trial % 40;
            try (Comm comm = Comm.open(domain);
                 ChildJvm holder = ChildJvm.start(dir.resolve("logs"), StoreChild.class, domain.toString(),
                         Integer.toString(keys))) {
                SharedMemory memory = comm.sharedMemory();
                holder.awaitOutput("IN-LOCK", WAIT);
                long version = Long.parseLong(ReliabilitySupport.lineAfter(holder, "COMMITTED version="));
                Map<String, Object> expected = committed(keys);
                assertEquals(version, memory.version());
                assertEquals(expected, memory.getAll());

                AtomicLong doneAt = new AtomicLong();
                AtomicReference<Object> seen = new AtomicReference<>();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                String mark = "trial-" + trial;
                Thread waiter = new Thread(() -> {
                    try {
                        memory.update("held", old -> {
                            seen.set(old == null ? "absent" : old);
                            return mark;
                        });
                        doneAt.set(System.nanoTime());
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                }, "queued-writer");
                waiter.start();
                ReliabilitySupport.awaitFrame(waiter, "SharedMemory", "update");
                assertEquals(0, doneAt.get(), "an update got in while the child held the lock");

                long signalled = System.nanoTime();
                holder.process().destroyForcibly();
                assertEquals(137, holder.awaitExit(WAIT), holder.output());
                long exited = System.nanoTime();
                waiter.join(WAIT.toMillis());
                assertFalse(waiter.isAlive(), "the queued update never got the lock of the dead writer");
                assertNull(failure.get(), () -> "queued update failed: " + failure.get());
                long fromSignal = doneAt.get() - signalled;
                long fromExit = Math.max(0, doneAt.get() - exited);
                assertTrue(fromSignal < ONE_SECOND, "lock taken " + fromSignal / 1_000_000 + " ms after SIGKILL");
                worstFromSignal = Math.max(worstFromSignal, fromSignal);
                worstFromExit = Math.max(worstFromExit, fromExit);

                assertEquals("absent", seen.get(), "the dead writer's change became visible");
                expected.put("held", mark);
                assertEquals(version + 1, memory.version(), "version is the last committed one plus ours");
                assertEquals(expected, memory.getAll());
                try (Comm fresh = Comm.open(domain)) {
                    assertEquals(version + 1, fresh.sharedMemory().version());
                    assertEquals(expected, fresh.sharedMemory().getAll());
                }
            }
        }
        System.out.println("RELIABILITY #3 trials=" + TRIALS + " worstMsFromSignal=" + worstFromSignal / 1_000_000
                + " worstMsFromObservedExit=" + worstFromExit / 1_000_000);
    }
}
