package io.litecomm.mapped.mailbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.mapped.file.DomainDirectory;
import io.litecomm.mapped.inspect.MailboxLayout;
import io.litecomm.spi.MessageQueue;
import io.litecomm.spi.QueueSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Ring unit tests straight on {@link Mailbox}, single process. */
@Timeout(120)
class MailboxTest {

    private static final int CAPACITY = MailboxLayout.MIN_CAPACITY;
    private static final int MAX = MailboxLayout.maxPayloadFor(CAPACITY);
    private static final int ALIGN = MailboxLayout.RECORD_ALIGNMENT;

    @TempDir
    Path dir;

    private Mailbox create(String name, int capacity, int max) {
        MailboxTransport transport = new MailboxTransport(DomainDirectory.open(dir.resolve("domain")));
        MessageQueue queue = transport.openOrCreate(name, new QueueSpec("bytes", capacity, max));
        return (Mailbox) queue;
    }

    private Mailbox create(String name) {
        return create(name, CAPACITY, MAX);
    }

    /** A second, independent mapping of the same file: what another process would see. */
    private Mailbox reopen(String name) {
        MailboxTransport transport = new MailboxTransport(DomainDirectory.open(dir.resolve("domain")));
        return (Mailbox) transport.openExisting(name).orElseThrow();
    }

    /** Payload whose length is chosen so the frame is exactly {@code frame} bytes. */
    private static byte[] payloadForFrame(int frame, int fill) {
        byte[] payload = new byte[frame - MailboxLayout.RECORD_HEADER_LENGTH];
        Arrays.fill(payload, (byte) fill);
        return payload;
    }

    @Test
    void deliversInFifoOrder() {
        Mailbox box = create("fifo");
        for (int i = 0; i < 20; i++) {
            assertEquals(MessageQueue.OFFERED, box.offer(new byte[] {(byte) i, (byte) (i * 3)}));
        }
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(new byte[] {(byte) i, (byte) (i * 3)}, box.poll(), "message " + i);
        }
        assertNull(box.poll());
        assertEquals(box.headPosition(), box.tailPosition());
    }

    @Test
    void emptyPayloadIsAMessage() {
        Mailbox box = create("empty");
        assertEquals(MessageQueue.OFFERED, box.offer(new byte[0]));
        assertEquals(1, box.size());
        byte[] out = box.poll();
        assertNotNull(out);
        assertEquals(0, out.length);
        assertNull(box.poll());
        assertEquals(MailboxLayout.frameLength(0), box.tailPosition());
    }

    @Test
    void fullRingReturnsFullAndAccountsExactly() {
        Mailbox box = create("full");
        int frame = 64;
        int fits = CAPACITY / frame;
        for (int i = 0; i < fits; i++) {
            assertEquals(MessageQueue.OFFERED, box.offer(payloadForFrame(frame, i)), "message " + i);
        }
        assertEquals(CAPACITY, box.tailPosition() - box.headPosition());
        assertEquals(fits, box.size());
        assertEquals(MessageQueue.FULL, box.offer(new byte[0]), "even the smallest frame must not fit");
        assertEquals(fits, box.size(), "a FULL offer writes nothing");
        assertEquals(CAPACITY, box.tailPosition());

        assertArrayEquals(payloadForFrame(frame, 0), box.poll());
        // exactly one frame of room again: a frame one alignment unit larger must not fit
        assertEquals(MessageQueue.FULL, box.offer(payloadForFrame(frame + ALIGN, 7)));
        assertEquals(MessageQueue.OFFERED, box.offer(payloadForFrame(frame, 99)));
        assertEquals(MessageQueue.FULL, box.offer(new byte[0]));
        for (int i = 1; i < fits; i++) {
            assertArrayEquals(payloadForFrame(frame, i), box.poll(), "message " + i);
        }
        assertArrayEquals(payloadForFrame(frame, 99), box.poll());
        assertNull(box.poll());
    }

    @Test
    void paddingAtTheRingEndCountsAgainstCapacity() throws IOException {
        Mailbox box = create("pad");
        // move head and tail to 32 bytes before the ring's end
        int gap = 32;
        int filled = 0;
        while (filled + 64 <= CAPACITY - gap) {
            assertEquals(MessageQueue.OFFERED, box.offer(payloadForFrame(64, 1)));
            filled += 64;
        }
        assertEquals(MessageQueue.OFFERED, box.offer(payloadForFrame(CAPACITY - gap - filled, 2)));
        while (box.poll() != null) {
            // drain
        }
        long start = box.headPosition();
        assertEquals(CAPACITY - gap, start);
        assertEquals(start, box.tailPosition());

        // a 64-byte frame does not fit in the 32 bytes left: 32 bytes of padding, then the frame at ring offset 0
        assertEquals(MessageQueue.OFFERED, box.offer(payloadForFrame(64, 3)));
        assertEquals(start + gap + 64, box.tailPosition());
        assertEquals(1, box.size(), "padding is not a message");
        ByteBuffer file = readFile(box);
        int padAt = MailboxLayout.recordOffset((int) (start & (CAPACITY - 1)));
        assertEquals(MailboxLayout.tagOf(start), file.getLong(padAt + MailboxLayout.RECORD_TAG_OFFSET));
        assertEquals(MailboxLayout.checkWord(MailboxLayout.TYPE_PADDING, start, gap - MailboxLayout.RECORD_HEADER_LENGTH),
                file.getInt(padAt + MailboxLayout.RECORD_TYPE_OFFSET));
        assertEquals(gap - MailboxLayout.RECORD_HEADER_LENGTH, file.getInt(padAt + MailboxLayout.RECORD_LENGTH_OFFSET));
        int msgAt = MailboxLayout.recordOffset(0);
        assertEquals(MailboxLayout.tagOf(start + gap), file.getLong(msgAt + MailboxLayout.RECORD_TAG_OFFSET));
        assertEquals(MailboxLayout.TYPE_MESSAGE,
                MailboxLayout.typeOf(file.getInt(msgAt + MailboxLayout.RECORD_TYPE_OFFSET)));

        // the rest of the ring: capacity - (gap + 64) bytes, filled exactly, then FULL
        int room = CAPACITY - gap - 64;
        List<byte[]> sent = new ArrayList<>();
        while (room >= 64) {
            byte[] p = payloadForFrame(64, sent.size());
            assertEquals(MessageQueue.OFFERED, box.offer(p));
            sent.add(p);
            room -= 64;
        }
        if (room > 0) {
            byte[] p = payloadForFrame(room, 5);
            assertEquals(MessageQueue.OFFERED, box.offer(p));
            sent.add(p);
        }
        assertEquals(CAPACITY, box.tailPosition() - box.headPosition());
        assertEquals(MessageQueue.FULL, box.offer(new byte[0]));
        assertArrayEquals(payloadForFrame(64, 3), box.poll());
        for (byte[] p : sent) {
            assertArrayEquals(p, box.poll());
        }
        assertNull(box.poll());
        assertEquals(box.tailPosition(), box.headPosition());
    }

    private static ByteBuffer readFile(Mailbox box) throws IOException {
        byte[] bytes = Files.readAllBytes(Path.of(box.location()));
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void manyWrapsWithRandomSizesKeepContentAndOrder() {
        Mailbox box = create("wraps");
        Mailbox peer = reopen("wraps");
        SplittableRandom random = new SplittableRandom(42);
        ArrayDeque<byte[]> model = new ArrayDeque<>();
        long sent = 0;
        long received = 0;
        for (int step = 0; step < 200_000; step++) {
            if (random.nextInt(100) < 55) {
                int length = random.nextInt(8) == 0 ? MAX : random.nextInt(MAX + 1);
                byte[] payload = new byte[length];
                random.nextBytes(payload);
                int result = (step & 1) == 0 ? box.offer(payload) : peer.offer(payload);
                if (result == MessageQueue.OFFERED) {
                    model.addLast(payload);
                    sent++;
                } else {
                    assertEquals(MessageQueue.FULL, result);
                    assertFalse(model.isEmpty(), "FULL on an empty ring");
                }
            } else {
                byte[] got = (step & 2) == 0 ? box.poll() : peer.poll();
                byte[] expected = model.pollFirst();
                assertArrayEquals(expected, got, "message " + received);
                if (got != null) {
                    received++;
                }
            }
            assertEquals(model.size(), box.size(), "size at step " + step);
        }
        assertTrue(box.tailPosition() > 50L * CAPACITY, "the ring wrapped many times: tail=" + box.tailPosition());
        assertTrue(sent > 10_000 && received > 10_000);
    }

    @Test
    void closeRefusesOffersButLetsReceiversDrain() {
        Mailbox box = create("close");
        Mailbox peer = reopen("close");
        assertEquals(MessageQueue.OFFERED, box.offer(new byte[] {1}));
        assertEquals(MessageQueue.OFFERED, box.offer(new byte[] {2}));
        assertFalse(peer.isClosed());
        assertTrue(peer.close(), "first close");
        assertFalse(box.close(), "second close reports it was already closed");
        assertTrue(box.isClosed());
        assertEquals(MessageQueue.CLOSED, box.offer(new byte[] {3}));
        assertEquals(MessageQueue.CLOSED, peer.offer(new byte[0]));
        assertFalse(box.isClosedAndDrained());
        assertEquals(2, box.size());
        assertArrayEquals(new byte[] {1}, box.poll());
        assertFalse(peer.isClosedAndDrained());
        assertArrayEquals(new byte[] {2}, peer.poll());
        assertNull(box.poll());
        assertTrue(box.isClosedAndDrained());
        assertTrue(peer.isClosedAndDrained());
        assertEquals(0, box.size());
        assertEquals(2L * MailboxLayout.frameLength(1), box.tailPosition(), "closed bit is not part of the position");
    }

    @Test
    void closeOfAFullRingIsSeenByOffers() {
        Mailbox box = create("closefull");
        while (box.offer(new byte[100]) == MessageQueue.OFFERED) {
            // fill
        }
        box.close();
        assertEquals(MessageQueue.CLOSED, box.offer(new byte[100]));
    }

    @Test
    void sizeCountsMessagesNotBytes() {
        Mailbox box = create("size");
        assertEquals(0, box.size());
        for (int i = 1; i <= 10; i++) {
            box.offer(new byte[i * 10]);
            assertEquals(i, box.size());
        }
        for (int i = 9; i >= 0; i--) {
            box.poll();
            assertEquals(i, box.size());
        }
    }

    @Test
    void oversizedOfferIsRejectedWithoutWriting() {
        Mailbox box = create("big", CAPACITY, 100);
        assertThrows(IllegalArgumentException.class, () -> box.offer(new byte[101]));
        assertEquals(0, box.tailPosition());
        assertEquals(MessageQueue.OFFERED, box.offer(new byte[100]));
    }

    @Test
    void multipleProducersAndConsumersExactlyOnceAndFifoPerProducer() throws Exception {
        int producers = 4;
        int consumers = 3;
        int perProducer = 25_000;
        create("mpmc", 1 << 14, 512);
        AtomicIntegerArray seen = new AtomicIntegerArray(producers * perProducer);
        AtomicLong taken = new AtomicLong();
        long total = (long) producers * perProducer;
        ExecutorService pool = Executors.newFixedThreadPool(producers + consumers);
        try {
            CyclicBarrier start = new CyclicBarrier(producers + consumers);
            List<Future<?>> futures = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int id = p;
                Mailbox box = reopen("mpmc");
                futures.add(pool.submit((Callable<Void>) () -> {
                    start.await();
                    produce(box, id, perProducer);
                    return null;
                }));
            }
            for (int c = 0; c < consumers; c++) {
                Mailbox box = reopen("mpmc");
                futures.add(pool.submit((Callable<Void>) () -> {
                    start.await();
                    consume(box, producers, perProducer, seen, taken, total);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(100, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(total, taken.get());
        for (int i = 0; i < seen.length(); i++) {
            assertEquals(1, seen.get(i), "message " + i + " delivered exactly once");
        }
        Mailbox check = reopen("mpmc");
        assertNull(check.poll());
        assertEquals(check.headPosition(), check.tailPosition());
    }

    private static void produce(Mailbox box, int id, int count) {
        SplittableRandom random = new SplittableRandom(id);
        for (int seq = 0; seq < count; seq++) {
            byte[] payload = new byte[8 + random.nextInt(120)];
            ByteBuffer.wrap(payload).putInt(id).putInt(seq);
            for (int i = 8; i < payload.length; i++) {
                payload[i] = (byte) (id + seq + i);
            }
            while (true) {
                int result = box.offer(payload);
                if (result == MessageQueue.OFFERED) {
                    break;
                }
                assertEquals(MessageQueue.FULL, result);
                Thread.yield();
            }
        }
    }

    private static void consume(Mailbox box, int producers, int perProducer, AtomicIntegerArray seen,
            AtomicLong taken, long total) {
        int[] last = new int[producers];
        Arrays.fill(last, -1);
        while (taken.get() < total) {
            byte[] m = box.poll();
            if (m == null) {
                Thread.yield();
                continue;
            }
            ByteBuffer b = ByteBuffer.wrap(m);
            int id = b.getInt();
            int seq = b.getInt();
            for (int i = 8; i < m.length; i++) {
                if (m[i] != (byte) (id + seq + i)) {
                    throw new AssertionError("payload damaged: producer=" + id + " seq=" + seq + " index=" + i);
                }
            }
            if (seq <= last[id]) {
                throw new AssertionError("FIFO per producer broken: producer=" + id + " seq=" + seq + " after " + last[id]);
            }
            last[id] = seq;
            seen.incrementAndGet(id * perProducer + seq);
            taken.incrementAndGet();
        }
    }

    @Test
    void racingCreatorsEndWithOneValidFile() throws Exception {
        int racers = 16;
        Path domain = dir.resolve("race");
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        List<Mailbox> boxes = Collections.synchronizedList(new ArrayList<>());
        try {
            CyclicBarrier start = new CyclicBarrier(racers);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                int id = i;
                futures.add(pool.submit((Callable<Void>) () -> {
                    start.await();
                    MailboxTransport transport = new MailboxTransport(DomainDirectory.open(domain));
                    // each racer asks for a different capacity: all must end up with the winner's
                    int capacity = CAPACITY << (id % 4);
                    Mailbox box = (Mailbox) transport.openOrCreate("same", new QueueSpec("bytes", capacity, 100));
                    assertEquals(MessageQueue.OFFERED, box.offer(new byte[] {(byte) id}));
                    boxes.add(box);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        try (Stream<Path> files = Files.list(domain)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of(DomainDirectory.LOCK_FILE, "same.chan"), names, "no temporary file left behind");
        }
        Path file = domain.resolve("same.chan");
        Object key = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        Set<Integer> capacities = new HashSet<>();
        for (Mailbox box : boxes) {
            capacities.add(box.capacity());
            assertFalse(box.isReplaced(), "every racer maps the published file " + key);
        }
        assertEquals(1, capacities.size(), "one file, one capacity: " + capacities);
        Set<Integer> ids = new HashSet<>();
        Mailbox any = boxes.get(0);
        byte[] m = any.poll();
        while (m != null) {
            ids.add((int) m[0]);
            m = any.poll();
        }
        assertEquals(racers, ids.size(), "every racer's message is in the one file");
    }

    @Test
    void racingCommsEndWithOneChannel() throws Exception {
        int racers = 8;
        Path domain = dir.resolve("comms");
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        List<Comm> comms = Collections.synchronizedList(new ArrayList<>());
        try {
            CyclicBarrier start = new CyclicBarrier(racers);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                int id = i;
                futures.add(pool.submit((Callable<Void>) () -> {
                    start.await();
                    Comm comm = Comm.open(domain);
                    comms.add(comm);
                    Channel<Integer> ch = comm.channel("shared", Integer.class,
                            ChannelOptions.builder().capacity(CAPACITY << (id % 3)).build());
                    ch.send(id);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            Channel<Integer> reader = comms.get(0).channel("shared", Integer.class);
            Set<Integer> got = new HashSet<>();
            for (int i = 0; i < racers; i++) {
                got.add(reader.receive(Duration.ofSeconds(10)).orElseThrow());
            }
            assertEquals(racers, got.size());
            assertEquals(0, reader.size());
        } finally {
            pool.shutdownNow();
            comms.forEach(Comm::close);
        }
    }

    /**
     * Stale bytes of an old payload sit where a later record will start. If they happen to equal the tag the
     * consumer expects there (position + 1), an empty ring yields a phantom message and the head overtakes the
     * tail. Payloads are arbitrary bytes, so a byte[] channel carrying counters can trip this by accident.
     */
    @Test
    void stalePayloadBytesNeverPassForARecord() throws IOException {
        Mailbox box = create("forge");
        // message A at position 0; its payload starts at ring offset 16 and imitates a record header that
        // would be "committed" for position CAPACITY + 16, one lap later
        long forgedPosition = CAPACITY + MailboxLayout.RECORD_HEADER_LENGTH;
        byte[] a = new byte[48];
        ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(MailboxLayout.tagOf(forgedPosition))
                .putInt(0)
                .putInt(MailboxLayout.TYPE_MESSAGE);
        assertEquals(MessageQueue.OFFERED, box.offer(a));
        assertArrayEquals(a, box.poll());
        // move the head to exactly forgedPosition with records that never touch ring offset 16
        long position = box.tailPosition();
        while (position < CAPACITY) {
            int frame = (int) Math.min(1024, CAPACITY - position);
            assertEquals(MessageQueue.OFFERED, box.offer(payloadForFrame(frame, 0)));
            assertNotNull(box.poll());
            position += frame;
        }
        assertEquals(MessageQueue.OFFERED, box.offer(new byte[0]));
        assertNotNull(box.poll());
        assertEquals(forgedPosition, box.headPosition());
        assertEquals(forgedPosition, box.tailPosition());
        // the ring is empty: nothing may be received
        assertNull(box.poll(), "phantom message from stale payload bytes");
        assertTrue(box.headPosition() <= box.tailPosition(), "head overtook tail");
        try (FileChannel ch = FileChannel.open(Path.of(box.location()), StandardOpenOption.READ)) {
            assertEquals(MailboxLayout.fileLength(CAPACITY), ch.size());
        }
    }
}
