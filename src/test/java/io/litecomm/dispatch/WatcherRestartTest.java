package io.litecomm.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.testing.ChildJvm.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The watcher survives any Throwable from a task, and a thread that dies anyway is started again. */
@Timeout(30)
class WatcherRestartTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Counts its polls. */
    private static final class Counting implements WatchTask {
        final AtomicInteger polls = new AtomicInteger();

        @Override
        public int doWork() {
            polls.incrementAndGet();
            return 0;
        }

        @Override
        public boolean isDone() {
            return false;
        }
    }

    /** Throws {@code failure} once when armed. */
    private static final class Throwing implements WatchTask {
        final AtomicBoolean armed = new AtomicBoolean();
        final Throwable failure;

        Throwing(Throwable failure) {
            this.failure = failure;
        }

        @Override
        public int doWork() {
            if (armed.getAndSet(false)) {
                sneaky(failure);
            }
            return 0;
        }

        @Override
        public boolean isDone() {
            return false;
        }

        @SuppressWarnings("unchecked")
        private static <E extends Throwable> void sneaky(Throwable t) throws E {
            throw (E) t;
        }
    }

    private static IdleStrategy idle() {
        return BackoffIdleStrategy.withMaxPark(Duration.ofMillis(1).toNanos());
    }

    @Test
    void anyThrowableIsCountedReportedAndTheLoopGoesOn() {
        List<Throwable> reported = new CopyOnWriteArrayList<>();
        List<Throwable> failures = List.of(new OutOfMemoryError("task"), new InternalError("fault"),
                new StackOverflowError(), new IllegalStateException("bug"), new Exception("checked, thrown sneakily"));
        try (Watcher watcher = new Watcher("test-watcher", WatcherRestartTest::idle, (task, t) -> reported.add(t))) {
            Counting other = new Counting();
            watcher.add(other);
            for (Throwable failure : failures) {
                Throwing task = new Throwing(failure);
                task.armed.set(true);
                watcher.add(task);
                Await.until(() -> reported.contains(failure), WAIT, () -> "not reported: " + failure);
            }
            int before = other.polls.get();
            Await.until(() -> other.polls.get() > before + 10, WAIT, () -> "the loop stopped");
            assertEquals(failures, reported);
            assertEquals(failures.size(), watcher.failures());
            assertEquals(0, watcher.restarts(), "nothing killed the thread");
        }
    }

    @Test
    void aThreadKilledByItsListenerIsStartedAgainAndKeepsPolling() {
        Throwable fatal = new OutOfMemoryError("the listener itself fails");
        try (Watcher watcher = new Watcher("test-watcher", WatcherRestartTest::idle, (task, t) -> {
            throw new OutOfMemoryError("listener");
        })) {
            Counting other = new Counting();
            Throwing task = new Throwing(fatal);
            watcher.add(other);
            watcher.add(task);
            for (int round = 1; round <= 3; round++) {
                task.armed.set(true);
                int r = round;
                Await.until(() -> watcher.restarts() >= r, WAIT, () -> "the dead thread was not started again");
                int before = other.polls.get();
                Await.until(() -> other.polls.get() > before + 10, WAIT, () -> "the restarted thread does not poll");
            }
            assertTrue(watcher.failures() >= 3, "failures=" + watcher.failures());
        }
    }

    @Test
    void aClosedWatcherRefusesTasksAndStaysStopped() {
        Watcher watcher = new Watcher("test-watcher", WatcherRestartTest::idle);
        Counting task = new Counting();
        watcher.add(task);
        Await.until(() -> task.polls.get() > 0, WAIT, () -> "never polled");
        watcher.close();
        int after = task.polls.get();
        watcher.wake();
        assertThrows(IllegalStateException.class, () -> watcher.add(new Counting()));
        assertEquals(0, watcher.restarts());
        assertTrue(task.polls.get() <= after + 1, "polled after close");
    }
}
