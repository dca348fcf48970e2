package io.litecomm.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.SharedMemory;
import io.litecomm.testing.ChildJvm;
import io.litecomm.testing.ChildJvm.Await;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY #17, two {@code Comm}s on one domain in one JVM.
 *
 * <p>Mixed load: 6 threads on Comm A and 6 on Comm B send, receive and increment one shared-memory
 * key, while 4 more threads open, use and close short-lived Comms on the same domain, and another
 * process ({@link StoreChild}) increments the same key; A is closed half-way. Passes when no
 * {@code OverlappingFileLockException} (or anything but A's "domain closed") escapes, every message
 * sent is received exactly once, and every increment returned a distinct value and the total is exact
 * (A's close did not release the store lock under B or the other process).
 *
 * <p>Producer slots: A and B both send, so two slots are live; closing A frees A's slot only. A
 * process ({@link SlotProbe}) recording an unfinished claim in A's freed slot sees it recovered within
 * the bound; the same claim in B's slot is waited for (never padded) until it is committed.
 *
 * <p>Short form: 6,000 operations. Long form: 100,000. {@code -Dlitecomm.reliability.twoCommsOps=N}.
 */
@Timeout(600)
class TwoCommsOneJvmTest {

    private static final int OPERATIONS = ReliabilitySupport.count("litecomm.reliability.twoCommsOps", 6_000, 100_000);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ChannelOptions MIXED = ChannelOptions.builder().capacity(1 << 20).maxMessageSize(1024).build();

    @TempDir
    Path dir;

    /** What the threads did. */
    private static final class Ledger {
        final Queue<String> sent = new ConcurrentLinkedQueue<>();
        final Queue<String> received = new ConcurrentLinkedQueue<>();
        final Queue<Long> values = new ConcurrentLinkedQueue<>();
        final Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        final AtomicLong operations = new AtomicLong();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicBoolean aClosed = new AtomicBoolean();
        Path directory;
    }

    private static void operate(Comm comm, String id, long i, Random random, Ledger ledger) {
        switch (random.nextInt(3)) {
            case 0 -> {
                String message = id + ":" + i;
                comm.channel("mixed", String.class, MIXED).send(message);
                ledger.sent.add(message);
            }
            case 1 -> comm.channel("mixed", String.class, MIXED).tryReceive().ifPresent(ledger.received::add);
            default -> ledger.values.add(((Number) comm.sharedMemory().update("counter",
                    c -> c == null ? 1L : ((Number) c).longValue() + 1)).longValue());
        }
        ledger.operations.incrementAndGet();
    }

    private static Thread worker(Comm comm, String id, Ledger ledger, boolean onA) {
        Thread thread = new Thread(() -> {
            Random random = new Random(id.hashCode());
            for (long i = 0; !ledger.stop.get(); i++) {
                try {
                    if (comm == null) {
                        try (Comm shortLived = Comm.open(ledger.directory)) {
                            operate(shortLived, id, i, random, ledger);
                        }
                    } else {
                        operate(comm, id, i, random, ledger);
                    }
                } catch (IllegalStateException closed) {
                    if (onA && ledger.aClosed.get()) {
                        return;
                    }
                    ledger.unexpected.add(closed);
                } catch (Throwable t) {
                    ledger.unexpected.add(t);
                }
            }
        }, id);
        thread.start();
        return thread;
    }

    @Test
    @SuppressWarnings("try") // closes a Comm inside its try on purpose: that close is what is tested
    void sixteenThreadsOnTwoCommsAndShortLivedOnesLoseNothing() throws Exception {
        Path domain = dir.resolve("d");
        Ledger ledger = new Ledger();
        ledger.directory = domain;
        try (ReliabilitySupport.Group group = new ReliabilitySupport.Group(dir.resolve("logs"));
             Comm a = Comm.open(domain); Comm b = Comm.open(domain)) {
            ChildJvm counter = group.start(StoreChild.class, domain.toString(), "0");
            counter.awaitOutput("IN-LOCK", WAIT);
            ReliabilitySupport.tell(counter, "release");
            Path childValues = dir.resolve("child-values.txt");
            ReliabilitySupport.tell(counter, "spin " + childValues);
            counter.awaitOutput("SPINNING", WAIT);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                threads.add(worker(a, "a" + i, ledger, true));
                threads.add(worker(b, "b" + i, ledger, false));
            }
            for (int i = 0; i < 4; i++) {
                threads.add(worker(null, "churn" + i, ledger, false));
            }
            Await.until(() -> ledger.operations.get() >= OPERATIONS / 3, WAIT.multipliedBy(10), () -> "too slow");
            ledger.aClosed.set(true);
            a.close();
            long atClose = ledger.operations.get();
            Await.until(() -> ledger.operations.get() >= atClose + OPERATIONS * 2 / 3, WAIT.multipliedBy(10),
                    () -> "B and the short-lived Comms stopped working after A closed: " + ledger.unexpected);
            ledger.stop.set(true);
            for (Thread thread : threads) {
                thread.join(WAIT.toMillis());
                assertTrue(!thread.isAlive(), thread.getName() + " is stuck: " + List.of(thread.getStackTrace()));
            }
            ReliabilitySupport.tell(counter, "stop");
            counter.awaitOutput("COUNTED", WAIT);
            checkLedger(ledger, b, Files.readAllLines(childValues));
            ReliabilitySupport.tell(counter, "exit");
            counter.awaitSuccess(WAIT);
            System.out.println("RELIABILITY #17 operations=" + ledger.operations.get() + " messages=" + ledger.sent.size()
                    + " increments=" + ledger.values.size() + " childIncrements=" + Files.readAllLines(childValues).size());
        }
    }

    private static void checkLedger(Ledger ledger, Comm b, List<String> childValues) {
        for (Throwable t : ledger.unexpected) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                assertTrue(!(c instanceof OverlappingFileLockException), "OverlappingFileLockException escaped: " + t);
            }
        }
        assertTrue(ledger.unexpected.isEmpty(), () -> "unexpected failures: " + ledger.unexpected);
        Channel<String> mixed = b.channel("mixed", String.class, MIXED);
        Optional<String> rest;
        while ((rest = mixed.receive(Duration.ofMillis(200))).isPresent()) {
            ledger.received.add(rest.get());
        }
        Set<String> received = new HashSet<>(ledger.received);
        assertEquals(ledger.received.size(), received.size(), "a message was received twice");
        assertEquals(new HashSet<>(ledger.sent), received, "sent and received differ");
        Set<Long> values = new HashSet<>(ledger.values);
        assertEquals(ledger.values.size(), values.size(), "two updates in this JVM returned the same value");
        for (String line : childValues) {
            assertTrue(values.add(Long.parseLong(line)), "this JVM and the other process both got " + line);
        }
        SharedMemory memory = b.sharedMemory();
        assertEquals((long) values.size(), ((Number) memory.get("counter")).longValue(), "increments were lost");
    }

    @Test
    @SuppressWarnings("try") // closes a Comm inside its try on purpose: that close is what is tested
    void closingOneCommKeepsTheOtherCommsProducerSlotLive() {
        Path domain = dir.resolve("d");
        String pid = Long.toString(ProcessHandle.current().pid());
        try (Comm b = Comm.open(domain); Comm a = Comm.open(domain);
             ChildJvm probe = ChildJvm.start(dir.resolve("logs"), SlotProbe.class, domain.toString(), "slots", pid)) {
            Channel<String> onA = a.channel("slots", String.class);
            Channel<String> onB = b.channel("slots", String.class);
            onA.send("a");
            onB.send("b");
            assertEquals("a", onB.receive());
            assertEquals("b", onB.receive());
            probe.awaitOutput("PROBING", WAIT);
            assertEquals("2", ask(probe, "live", "LIVE ", 1), "A and B each own a producer slot");
            a.close();
            assertEquals("1", ask(probe, "live", "LIVE ", 2), "closing A must free A's slot and only A's");

            ask(probe, "claim-dead", "CLAIMED ", 1);
            onB.send("after-dead");
            String recovered = ask(probe, "poll-until-message", "RECEIVED ", 1);
            assertTrue(recovered.startsWith("\"after-dead\""), recovered);
            assertTrue(probe.output().contains("recovered a message claimed by a dead producer"), probe.output());

            ask(probe, "claim-live", "CLAIMED ", 2);
            onB.send("after-live");
            assertEquals("", ask(probe, "poll-for 1500", "NOTHING", 1), "the live slot's claim was padded: "
                    + probe.output());
            ask(probe, "commit", "COMMITTED", 1);
            assertTrue(ask(probe, "poll-until-message", "RECEIVED ", 2).startsWith("\"fake\""), probe.output());
            assertTrue(ask(probe, "poll-until-message", "RECEIVED ", 3).startsWith("\"after-live\""), probe.output());
            b.close();
            assertEquals("0", ask(probe, "live", "LIVE ", 3));
            System.out.println("RELIABILITY #17 dead-slot claim recovered: " + recovered
                    + "; live-slot claim waited 1,500 ms (5x the bound) and was delivered after its commit");
        }
    }

    /** Sends a command and returns the rest of the {@code occurrence}-th line starting with {@code prefix}. */
    private static String ask(ChildJvm child, String command, String prefix, int occurrence) {
        ReliabilitySupport.tell(child, command);
        Await.until(() -> lines(child, prefix).size() >= occurrence, WAIT,
                () -> "no answer " + prefix + " to " + command + "\n" + child.output());
        return lines(child, prefix).get(occurrence - 1);
    }

    private static List<String> lines(ChildJvm child, String prefix) {
        List<String> found = new ArrayList<>();
        for (String line : child.output().split("\n")) {
            if (line.startsWith(prefix)) {
                found.add(line.substring(prefix.length()).trim());
            }
        }
        return found;
    }
}
