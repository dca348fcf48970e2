package io.litecomm.contract;

import static io.litecomm.contract.ContractSupport.deadlineIn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.spi.MessageQueue;
import io.litecomm.spi.QueueSpec;
import io.litecomm.spi.Transport;
import io.litecomm.spi.WaitMode;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every transport's {@link MessageQueue} promises: non-blocking offer and poll with their
 * results, one FIFO order, exactly-once delivery among pollers of several processes, the size
 * limits, close and drain, and waits that wake, time out and honour interrupts.
 */
@Timeout(60)
abstract class MessageQueueContract extends SpiContractBase {

    /** 4 KiB, messages up to 100 bytes: a 100-byte message takes 128 bytes, so 32 fit. */
    static final QueueSpec SMALL = new QueueSpec("bytes", 4096, 100);
    static final QueueSpec LARGE = new QueueSpec("bytes", 1 << 20, 1024);
    private static final WaitMode[] MODES = WaitMode.values();

    private static byte[] message(int producer, int sequence) {
        return ByteBuffer.allocate(8).putInt(producer).putInt(sequence).array();
    }

    @Test
    void offerThenPollIsFifoAndEmptyGivesNull() {
        MessageQueue queue = open().openOrCreate("fifo", LARGE);
        assertNull(queue.poll());
        for (int i = 0; i < 200; i++) {
            assertEquals(MessageQueue.OFFERED, queue.offer(message(0, i)));
        }
        for (int i = 0; i < 200; i++) {
            assertArrayEquals(message(0, i), queue.poll(), "message " + i);
        }
        assertNull(queue.poll());
    }

    @Test
    void aPeerPollsWhatAnotherProcessOffered() {
        MessageQueue sender = open().openOrCreate("peer", LARGE);
        MessageQueue receiver = open().openOrCreate("peer", LARGE);
        byte[] empty = new byte[0];
        assertEquals(MessageQueue.OFFERED, sender.offer(empty));
        assertEquals(MessageQueue.OFFERED, sender.offer("x".repeat(1024).getBytes()));
        assertArrayEquals(empty, receiver.poll());
        assertEquals(1024, receiver.poll().length);
        assertNull(sender.poll());
    }

    @Test
    void aFullQueueSaysFullUntilRoomAppears() {
        MessageQueue queue = open().openOrCreate("full", SMALL);
        int fitted = 0;
        while (queue.offer(new byte[100]) == MessageQueue.OFFERED) {
            fitted++;
            assertTrue(fitted <= 32, "more than the capacity fitted");
        }
        assertEquals(32, fitted, "a 100-byte message takes align16(16 + 100) = 128 of 4096 bytes");
        assertEquals(MessageQueue.FULL, queue.offer(new byte[100]));
        assertEquals(32, queue.size());
        assertEquals(100, queue.poll().length);
        assertEquals(MessageQueue.OFFERED, queue.offer(new byte[100]));
        assertEquals(MessageQueue.FULL, queue.offer(new byte[1]));
    }

    @Test
    void maxMessageLengthIsRecordedAndEnforced() {
        MessageQueue queue = open().openOrCreate("max", SMALL);
        assertEquals(100, queue.maxMessageLength());
        assertEquals("bytes", queue.typeDescriptor());
        assertEquals("max", queue.name());
        assertFalse(queue.location().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> queue.offer(new byte[101]));
        assertEquals(0, queue.size(), "a refused message leaves nothing behind");
        assertEquals(MessageQueue.OFFERED, queue.offer(new byte[100]));
    }

    @Test
    void sizeCountsWaitingMessages() {
        MessageQueue queue = open().openOrCreate("size", LARGE);
        MessageQueue peer = open().openOrCreate("size", LARGE);
        assertEquals(0, queue.size());
        for (int i = 0; i < 5; i++) {
            queue.offer(message(0, i));
        }
        assertEquals(5, peer.size());
        peer.poll();
        assertEquals(4, queue.size());
    }

    @Test
    void closeRefusesOffersAndDrainsWhatWasThere() {
        MessageQueue queue = open().openOrCreate("close", LARGE);
        MessageQueue peer = open().openOrCreate("close", LARGE);
        queue.offer(message(0, 1));
        queue.offer(message(0, 2));
        assertFalse(peer.isClosed());
        assertTrue(peer.close());
        assertFalse(queue.close(), "closing twice: only the first call closes");
        assertTrue(queue.isClosed());
        assertEquals(MessageQueue.CLOSED, queue.offer(message(0, 3)));
        assertFalse(queue.isClosedAndDrained());
        assertArrayEquals(message(0, 1), queue.poll());
        assertArrayEquals(message(0, 2), peer.poll());
        assertNull(queue.poll());
        assertTrue(queue.isClosedAndDrained());
        assertTrue(peer.isClosedAndDrained());
    }

    @Test
    void eachMessageIsPolledExactlyOnceAmongSeveralPollersOfSeveralProcesses() throws Exception {
        int producers = 2;
        int perProducer = 3000;
        Transport[] processes = {open(), open()};
        MessageQueue[] queues = {processes[0].openOrCreate("once", LARGE), processes[1].openOrCreate("once", LARGE)};
        ConcurrentLinkedQueue<List<byte[]>> seen = new ConcurrentLinkedQueue<>();
        AtomicInteger taken = new AtomicInteger();
        try (ContractSupport.Workers workers = new ContractSupport.Workers()) {
            for (int p = 0; p < producers; p++) {
                int producer = p;
                MessageQueue queue = queues[p % 2];
                workers.start("producer-" + p, () -> {
                    for (int i = 0; i < perProducer; i++) {
                        byte[] m = message(producer, i);
                        long deadline = deadlineIn(ContractSupport.WAIT.toMillis());
                        while (queue.offer(m) != MessageQueue.OFFERED) {
                            assertTrue(System.nanoTime() - deadline < 0, "offer stuck");
                            queue.awaitWritable(m.length, deadlineIn(50), WaitMode.BACKOFF);
                        }
                    }
                });
            }
            for (int c = 0; c < 4; c++) {
                MessageQueue queue = queues[c % 2];
                WaitMode mode = MODES[c % MODES.length];
                workers.start("poller-" + c, () -> {
                    List<byte[]> mine = new ArrayList<>();
                    seen.add(mine);
                    long deadline = deadlineIn(ContractSupport.WAIT.toMillis() * 2);
                    while (taken.get() < producers * perProducer && System.nanoTime() - deadline < 0) {
                        byte[] m = queue.poll();
                        if (m == null) {
                            queue.awaitReadable(deadlineIn(20), mode);
                        } else {
                            mine.add(m);
                            taken.incrementAndGet();
                        }
                    }
                });
            }
            workers.joinAll();
        }
        BitSet[] got = {new BitSet(), new BitSet()};
        int total = 0;
        for (List<byte[]> mine : seen) {
            int[] last = {-1, -1};
            for (byte[] m : mine) {
                ByteBuffer b = ByteBuffer.wrap(m);
                int producer = b.getInt();
                int sequence = b.getInt();
                assertFalse(got[producer].get(sequence), "polled twice: producer=" + producer + " seq=" + sequence);
                got[producer].set(sequence);
                assertTrue(sequence > last[producer], "one total order: a poller saw a sender's messages out of order");
                last[producer] = sequence;
                total++;
            }
        }
        assertEquals(producers * perProducer, total);
        assertNull(queues[0].poll());
    }

    @Test
    void awaitReadableWakesOnAnOfferFromAnotherProcess() throws Exception {
        MessageQueue waiting = open().openOrCreate("wake", LARGE);
        MessageQueue sender = open().openOrCreate("wake", LARGE);
        for (WaitMode mode : MODES) {
            CountDownLatch waiting1 = new CountDownLatch(1);
            AtomicBoolean got = new AtomicBoolean();
            try (ContractSupport.Workers workers = new ContractSupport.Workers()) {
                workers.start("waiter-" + mode, () -> {
                    long deadline = deadlineIn(ContractSupport.WAIT.toMillis());
                    waiting1.countDown();
                    while (System.nanoTime() - deadline < 0) {
                        if (waiting.poll() != null) {
                            got.set(true);
                            return;
                        }
                        waiting.awaitReadable(deadline, mode);
                    }
                });
                assertTrue(waiting1.await(10, TimeUnit.SECONDS));
                sender.offer(message(1, 1));
                workers.joinAll();
            }
            assertTrue(got.get(), "the waiter never saw the message: mode=" + mode);
        }
    }

    @Test
    void awaitReadableReturnsAtItsDeadline() {
        MessageQueue queue = open().openOrCreate("deadline", LARGE);
        for (WaitMode mode : MODES) {
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> queue.awaitReadable(System.nanoTime() - 1, mode),
                    "a passed deadline returns at once");
            long deadline = deadlineIn(30);
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
                while (System.nanoTime() - deadline < 0) {
                    queue.awaitReadable(deadline, mode);
                }
            });
            assertNull(queue.poll());
        }
    }

    @Test
    void awaitReadableReturnsWhenTheQueueIsClosed() throws Exception {
        MessageQueue queue = open().openOrCreate("closewake", LARGE);
        MessageQueue closer = open().openOrCreate("closewake", LARGE);
        try (ContractSupport.Workers workers = new ContractSupport.Workers()) {
            CountDownLatch started = new CountDownLatch(1);
            workers.start("waiter", () -> {
                long deadline = deadlineIn(ContractSupport.WAIT.toMillis());
                started.countDown();
                while (!queue.isClosedAndDrained()) {
                    assertTrue(System.nanoTime() - deadline < 0, "the close did not end the wait");
                    queue.awaitReadable(deadline, WaitMode.BLOCK);
                }
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            closer.close();
            workers.joinAll();
        }
    }

    @Test
    void awaitWritableWakesWhenRoomAppears() throws Exception {
        MessageQueue sender = open().openOrCreate("room", SMALL);
        MessageQueue receiver = open().openOrCreate("room", SMALL);
        while (sender.offer(new byte[100]) == MessageQueue.OFFERED) {
            assertTrue(sender.size() <= 32);
        }
        try (ContractSupport.Workers workers = new ContractSupport.Workers()) {
            CountDownLatch started = new CountDownLatch(1);
            workers.start("sender", () -> {
                long deadline = deadlineIn(ContractSupport.WAIT.toMillis());
                started.countDown();
                while (sender.offer(new byte[100]) != MessageQueue.OFFERED) {
                    assertTrue(System.nanoTime() - deadline < 0, "no room seen");
                    sender.awaitWritable(100, deadline, WaitMode.BACKOFF);
                }
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            assertEquals(100, receiver.poll().length);
            workers.joinAll();
        }
        assertEquals(MessageQueue.FULL, sender.offer(new byte[100]));
    }

    @Test
    void awaitsReturnOnInterruptAndKeepTheStatus() throws Exception {
        MessageQueue queue = open().openOrCreate("interrupt", SMALL);
        AtomicBoolean keptBefore = new AtomicBoolean();
        AtomicBoolean keptDuring = new AtomicBoolean();
        try (ContractSupport.Workers workers = new ContractSupport.Workers()) {
            CountDownLatch waiting = new CountDownLatch(1);
            Thread waiter = workers.start("interrupted", () -> {
                Thread.currentThread().interrupt();
                queue.awaitReadable(Long.MAX_VALUE, WaitMode.BLOCK);
                keptBefore.set(Thread.interrupted());
                waiting.countDown();
                long deadline = deadlineIn(ContractSupport.WAIT.toMillis());
                while (!Thread.currentThread().isInterrupted()) {
                    assertTrue(System.nanoTime() - deadline < 0, "the interrupt did not end the wait");
                    queue.awaitReadable(deadline, WaitMode.BLOCK);
                }
                keptDuring.set(Thread.currentThread().isInterrupted());
            });
            assertTrue(waiting.await(10, TimeUnit.SECONDS));
            waiter.interrupt();
            workers.joinAll();
        }
        assertTrue(keptBefore.get(), "an interrupted caller returns at once with its status kept");
        assertTrue(keptDuring.get(), "an interrupt during the wait ends it with the status kept");
    }
}
