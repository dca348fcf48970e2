package io.litecomm.contract;

import static io.litecomm.contract.ContractSupport.deadlineIn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.spi.MessageQueue;
import io.litecomm.spi.QueueSpec;
import io.litecomm.spi.Transport;
import io.litecomm.spi.WaitMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link Transport} promises: one queue per name whoever creates it, listing, deletion
 * seen by peers and a reusable name, one store per transport, waits over several queues, its URI
 * and location, and a close that ends its waits.
 */
@Timeout(60)
abstract class TransportContract extends SpiContractBase {

    static final QueueSpec SPEC = new QueueSpec("bytes", 1 << 16, 1024);

    @Test
    void openOrCreateTwiceGivesTheSameQueue() {
        Transport transport = open();
        MessageQueue first = transport.openOrCreate("same", SPEC);
        MessageQueue second = transport.openOrCreate("same", new QueueSpec("other", 4096, 10));
        assertEquals("bytes", second.typeDescriptor(), "an existing queue keeps its creator's spec");
        assertEquals(1024, second.maxMessageLength());
        first.offer(new byte[] {7});
        assertArrayEquals(new byte[] {7}, second.poll());
    }

    @Test
    void concurrentCreatorsInSeveralProcessesEndUpWithOneQueue() throws Exception {
        int creators = 6;
        Transport[] processes = {open(), open(), open()};
        CyclicBarrier start = new CyclicBarrier(creators);
        Map<Integer, MessageQueue> queues = new ConcurrentHashMap<>();
        try (ContractSupport.Workers workers = new ContractSupport.Workers()) {
            for (int i = 0; i < creators; i++) {
                int creator = i;
                workers.start("creator-" + i, () -> {
                    start.await(10, TimeUnit.SECONDS);
                    queues.put(creator, processes[creator % processes.length].openOrCreate("race",
                            new QueueSpec("type-" + creator, 4096 << creator, 100)));
                });
            }
            workers.joinAll();
        }
        Set<String> descriptors = ConcurrentHashMap.newKeySet();
        queues.values().forEach(q -> descriptors.add(q.typeDescriptor()));
        assertEquals(1, descriptors.size(), "every creator sees one queue, made with one spec: " + descriptors);
        queues.get(0).offer(new byte[] {1});
        int polled = 0;
        for (MessageQueue queue : queues.values()) {
            polled += queue.poll() == null ? 0 : 1;
        }
        assertEquals(1, polled);
    }

    @Test
    void openExistingOfAMissingQueueIsEmpty() {
        Transport transport = open();
        assertEquals(Optional.empty(), transport.openExisting("missing"));
        transport.openOrCreate("present", SPEC);
        assertTrue(open().openExisting("present").isPresent());
    }

    @Test
    void listIsSorted() {
        Transport transport = open();
        for (String name : List.of("delta", "alpha", "charlie", "bravo")) {
            transport.openOrCreate(name, SPEC);
        }
        assertEquals(List.of("alpha", "bravo", "charlie", "delta"), open().list());
    }

    @Test
    void deleteClosesForPeersAndFreesTheName() {
        Transport deleter = open();
        Transport peer = open();
        MessageQueue held = peer.openOrCreate("gone", SPEC);
        assertFalse(held.isReplaced());
        assertTrue(deleter.delete("gone"));
        assertFalse(deleter.delete("gone"), "a second delete finds nothing");
        assertTrue(held.isClosed(), "a peer holding the queue sees it closed");
        assertTrue(held.isReplaced());
        assertEquals(MessageQueue.CLOSED, held.offer(new byte[1]));
        assertEquals(Optional.empty(), peer.openExisting("gone"));
        assertFalse(peer.list().contains("gone"));
        MessageQueue fresh = peer.openOrCreate("gone", new QueueSpec("fresh", 4096, 100));
        assertEquals("fresh", fresh.typeDescriptor());
        assertFalse(fresh.isClosed());
        assertEquals(0, fresh.size());
        assertTrue(held.isReplaced());
    }

    @Test
    void sharedStoreIsOneObjectPerTransport() {
        Transport transport = open();
        assertSame(transport.sharedStore(), transport.sharedStore());
        transport.sharedStore().set("k", "v");
        assertEquals("v", open().sharedStore().get("k"));
    }

    @Test
    void awaitAnyReadableWakesWhenOneOfSeveralQueuesGetsAMessage() throws Exception {
        Transport waiter = open();
        List<MessageQueue> queues = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            queues.add(waiter.openOrCreate(name, SPEC));
        }
        MessageQueue sender = open().openOrCreate("b", SPEC);
        AtomicBoolean got = new AtomicBoolean();
        try (ContractSupport.Workers workers = new ContractSupport.Workers()) {
            CountDownLatch started = new CountDownLatch(1);
            workers.start("select", () -> {
                long deadline = deadlineIn(ContractSupport.WAIT.toMillis());
                started.countDown();
                while (System.nanoTime() - deadline < 0) {
                    for (MessageQueue queue : queues) {
                        if (queue.poll() != null) {
                            got.set(queue.name().equals("b"));
                            return;
                        }
                    }
                    waiter.awaitAnyReadable(queues, deadline, WaitMode.BLOCK);
                }
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            sender.offer(new byte[] {2});
            workers.joinAll();
        }
        assertTrue(got.get(), "the message on b was seen");
        assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> waiter.awaitAnyReadable(queues, System.nanoTime() - 1, WaitMode.BACKOFF));
    }

    @Test
    void uriReachesTheSameDomainAndLocationNamesIt() {
        Transport transport = open();
        assertNotNull(transport.uri());
        assertEquals(domain().getScheme(), transport.uri().getScheme());
        assertFalse(transport.location().isEmpty());
        transport.openOrCreate("here", SPEC).offer(new byte[] {3});
        try (Transport again = ContractSupport.openTransport(transport.uri(), settings())) {
            assertArrayEquals(new byte[] {3}, again.openExisting("here").orElseThrow().poll());
        }
    }

    @Test
    void closeEndsWaitsAndIsIdempotent() throws Exception {
        Transport peer = open();
        Transport transport = ContractSupport.openTransport(domain(), settings());
        MessageQueue queue = transport.openOrCreate("closing", SPEC);
        try (ContractSupport.Workers workers = new ContractSupport.Workers()) {
            CountDownLatch started = new CountDownLatch(1);
            workers.start("waiter", () -> {
                started.countDown();
                queue.awaitReadable(Long.MAX_VALUE, WaitMode.BLOCK);
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            transport.close();
            workers.joinAll();
        }
        transport.close();
        assertTrue(peer.openExisting("closing").isPresent(), "closing one process's transport leaves the domain's queues");
    }
}
