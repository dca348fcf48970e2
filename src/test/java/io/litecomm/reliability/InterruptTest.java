package io.litecomm.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.CommInterruptedException;
import io.litecomm.SharedMemory;
import io.litecomm.WaitStrategy;
import io.litecomm.testing.ChildJvm;
import io.litecomm.testing.ChildJvm.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY #16, interrupts: threads blocked in {@code receive()} (every wait strategy), in
 * {@code send()} on a full channel, and in {@code SharedMemory.update()} behind another process
 * holding the store's lock are interrupted. Each call must end with {@link CommInterruptedException}
 * and the interrupt flag set, having changed nothing; another thread of this JVM keeps exchanging
 * messages with another process throughout; and no lock is silently lost: the other process's lock
 * stays exclusive after the interrupt, and concurrent increments from both processes stay exact.
 *
 * <p>Short form: each interrupt once per wait strategy. Long form: 50 rounds.
 * {@code -Dlitecomm.reliability.interruptRounds=N} sets it.
 */
@Timeout(180)
class InterruptTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int ROUNDS = ReliabilitySupport.count("litecomm.reliability.interruptRounds", 1, 50);

    @TempDir
    Path dir;

    /** A call on its own thread, with what became of it. */
    private static final class Call extends Thread {
        private final Runnable body;
        private final AtomicReference<Throwable> thrown = new AtomicReference<>();
        private volatile boolean flagAfterwards;
        private volatile boolean returned;

        Call(String name, Runnable body) {
            super(name);
            this.body = body;
            setDaemon(true);
            start();
        }

        @Override
        public void run() {
            try {
                body.run();
                returned = true;
            } catch (Throwable t) {
                thrown.set(t);
            }
            flagAfterwards = isInterrupted();
        }

        /** Interrupts the call and checks it ended the documented way. */
        void interruptAndCheck() throws InterruptedException {
            interrupt();
            join(WAIT.toMillis());
            assertFalse(isAlive(), getName() + " was interrupted but is still blocked: " + List.of(getStackTrace()));
            assertFalse(returned, getName() + " returned normally after an interrupt");
            assertInstanceOf(CommInterruptedException.class, thrown.get(), getName() + " ended with " + thrown.get());
            assertTrue(flagAfterwards, getName() + ": the interrupt flag was cleared");
        }
    }

    /** Another thread of this JVM exchanging messages with {@link EchoPeer}, counting round trips. */
    private static final class PingPong implements AutoCloseable {
        private final AtomicLong trips = new AtomicLong();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Thread thread;

        PingPong(Comm comm) {
            Channel<String> ping = comm.channel("ping", String.class);
            Channel<String> pong = comm.channel("pong", String.class);
            thread = new Thread(() -> {
                try {
                    for (long i = 0; !stop.get(); i++) {
                        ping.send("trip-" + i);
                        assertEquals("trip-" + i, pong.receive(WAIT).orElseThrow());
                        trips.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, "ping-pong");
            thread.start();
        }

        /** Waits for 20 more round trips: this thread and the other process still work. */
        void assertStillWorking(String after) {
            long before = trips.get();
            Await.until(() -> trips.get() >= before + 20 || failure.get() != null, WAIT,
                    () -> "the other thread and process stopped working after " + after);
            assertNull(failure.get(), () -> "ping-pong failed after " + after + ": " + failure.get());
        }

        @Override
        public void close() {
            stop.set(true);
            try {
                thread.join(WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted stopping the ping-pong thread", e);
            }
        }
    }

    @Test
    void receiveBlockedOnAnEmptyChannelEndsOnInterrupt() throws InterruptedException {
        Path domain = dir.resolve("d");
        try (Comm comm = Comm.open(domain);
             ChildJvm echo = ChildJvm.start(dir.resolve("logs"), EchoPeer.class, domain.toString());
             PingPong others = new PingPong(comm)) {
            echo.awaitOutput("ECHOING", WAIT);
            others.assertStillWorking("start");
            for (int round = 0; round < ROUNDS; round++) {
                interruptReceives(comm, others);
            }
        }
    }

    private static void interruptReceives(Comm comm, PingPong others) throws InterruptedException {
        for (WaitStrategy strategy : WaitStrategy.values()) {
            Channel<String> idle = comm.channel("idle-" + strategy, String.class,
                    ChannelOptions.builder().waitStrategy(strategy).build());
            Call call = new Call("receive-" + strategy, idle::receive);
            ReliabilitySupport.awaitFrame(call, "DefaultChannel", "await");
            call.interruptAndCheck();
            others.assertStillWorking("interrupting a receive with " + strategy);
            idle.send("after");
            assertEquals("after", idle.receive(WAIT).orElseThrow(), strategy + ": the channel no longer works");
            Call again = new Call("receive-again-" + strategy, () -> assertEquals("later", idle.receive()));
            ReliabilitySupport.awaitFrame(again, "DefaultChannel", "await");
            idle.send("later");
            again.join(WAIT.toMillis());
            assertTrue(again.returned, strategy + ": a later receive was not woken: " + again.thrown.get());
        }
    }

    @Test
    void sendBlockedOnAFullChannelEndsOnInterruptAndWritesNothing() throws InterruptedException {
        Path domain = dir.resolve("d");
        try (Comm comm = Comm.open(domain);
             ChildJvm echo = ChildJvm.start(dir.resolve("logs"), EchoPeer.class, domain.toString());
             PingPong others = new PingPong(comm)) {
            echo.awaitOutput("ECHOING", WAIT);
            for (int round = 0; round < ROUNDS; round++) {
                interruptSends(comm, others);
            }
        }
    }

    private static void interruptSends(Comm comm, PingPong others) throws InterruptedException {
        for (WaitStrategy strategy : WaitStrategy.values()) {
            Channel<String> full = comm.channel("full-" + strategy, String.class,
                    ChannelOptions.builder().capacity(4096).maxMessageSize(100).waitStrategy(strategy).build());
            int filled = 0;
            while (full.trySend("m" + filled)) {
                filled++;
            }
            Call call = new Call("send-" + strategy, () -> full.send("blocked"));
            ReliabilitySupport.awaitFrame(call, "DefaultChannel", "offer");
            call.interruptAndCheck();
            others.assertStillWorking("interrupting a send with " + strategy);
            assertEquals(filled, full.size(), strategy + ": the interrupted send changed the channel");
            for (int i = 0; i < filled; i++) {
                assertEquals("m" + i, full.receive(WAIT).orElseThrow(), strategy.name());
            }
            assertTrue(full.tryReceive().isEmpty(), strategy + ": the interrupted message was written");
            full.send("after");
            assertEquals("after", full.receive(WAIT).orElseThrow());
        }
    }

    @Test
    void updateBlockedBehindAnotherProcessEndsOnInterruptAndTheLockStaysExclusive() throws Exception {
        Path domain = dir.resolve("d");
        try (Comm comm = Comm.open(domain);
             ChildJvm holder = ChildJvm.start(dir.resolve("logs"), StoreChild.class, domain.toString(), "5")) {
            SharedMemory memory = comm.sharedMemory();
            holder.awaitOutput("IN-LOCK", WAIT);
            long committed = Long.parseLong(ReliabilitySupport.lineAfter(holder, "COMMITTED version="));
            AtomicBoolean ran = new AtomicBoolean();
            for (int round = 0; round < ROUNDS; round++) {
                Call call = new Call("update-" + round, () -> memory.update("interrupted", v -> {
                    ran.set(true);
                    return "x";
                }));
                ReliabilitySupport.awaitFrame(call, "SharedMemory", "update");
                call.interruptAndCheck();
                assertFalse(ran.get(), "the interrupted update ran its function");
            }

            // the child's lock is still exclusive: a second update here must wait for it
            Call queued = new Call("queued", () -> memory.update("after", v -> "after"));
            ReliabilitySupport.awaitFrame(queued, "SharedMemory", "update");
            queued.join(1_000);
            assertTrue(queued.isAlive(), "an update got in while the other process held the lock");
            ReliabilitySupport.tell(holder, "release");
            queued.join(WAIT.toMillis());
            assertTrue(queued.returned, () -> "the queued update failed: " + queued.thrown.get());
            assertEquals("released", memory.get("held"));
            assertEquals("after", memory.get("after"));
            assertNull(memory.get("interrupted"));
            assertEquals(committed + 2, memory.version());
            assertExactIncrements(memory, holder, 2_000);
            ReliabilitySupport.tell(holder, "exit");
            holder.awaitSuccess(WAIT);
        }
    }

    /** Both processes increment one key at once: every result distinct, the total exact. */
    private void assertExactIncrements(SharedMemory memory, ChildJvm holder, int each) throws Exception {
        Path childValues = dir.resolve("child-values.txt");
        ReliabilitySupport.tell(holder, "count " + each + " " + childValues);
        Set<Long> values = new HashSet<>();
        for (int i = 0; i < each; i++) {
            values.add(((Number) memory.update("counter", c -> c == null ? 1L : ((Number) c).longValue() + 1)).longValue());
        }
        holder.awaitOutput("COUNTED", WAIT);
        for (String line : Files.readAllLines(childValues)) {
            assertTrue(values.add(Long.parseLong(line)), "two updates returned " + line + ": mutual exclusion lost");
        }
        assertEquals(2L * each, ((Number) memory.get("counter")).longValue());
        assertEquals(2 * each, values.size());
    }

    @Test
    void updateBlockedBehindAnotherThreadOfThisJvmEndsOnInterrupt() throws Exception {
        try (Comm comm = Comm.open(dir.resolve("d"))) {
            SharedMemory memory = comm.sharedMemory();
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Call holder = new Call("holder", () -> memory.update("a", v -> {
                inside.countDown();
                try {
                    release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return 1;
            }));
            assertTrue(inside.await(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            List<Call> queued = new ArrayList<>();
            queued.add(new Call("queued", () -> memory.update("b", v -> 2)));
            ReliabilitySupport.awaitFrame(queued.get(0), "SharedMemory", "update");
            try {
                queued.get(0).interrupt();
                queued.get(0).join(5_000);
                assertFalse(queued.get(0).isAlive(), "an update queued behind another thread ignored its interrupt");
                queued.get(0).interruptAndCheck();
            } finally {
                release.countDown();
                holder.join(WAIT.toMillis());
                queued.get(0).join(WAIT.toMillis());
            }
            assertTrue(holder.returned);
            assertNull(memory.get("b"), "the interrupted update changed the store");
        }
    }
}
