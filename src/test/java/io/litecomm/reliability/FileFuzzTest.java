package io.litecomm.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.litecomm.Channel;
import io.litecomm.ChannelClosedException;
import io.litecomm.Comm;
import io.litecomm.CommOptions;
import io.litecomm.CorruptFileException;
import io.litecomm.MessageTooLargeException;
import io.litecomm.SharedMemory;
import io.litecomm.mapped.file.DomainDirectory;
import io.litecomm.mapped.inspect.MailboxLayout;
import io.litecomm.mapped.inspect.PubSubLayout;
import io.litecomm.mapped.inspect.StoragePageLayout;
import io.litecomm.mapped.store.PubSubRing;
import io.litecomm.mapped.store.StoragePage;
import io.litecomm.reliability.FuzzMutation.Field;
import io.litecomm.spi.CorruptStorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability #11, file fuzz: mutated channel, shared-memory and pub/sub files give valid data or
 * {@link CorruptFileException} naming the file; nothing else, within 100 ms per open+read, without
 * allocating more than the largest message the file may hold.
 *
 * <p>Three valid seed files are built with the real library in a temporary domain: a mailbox
 * ({@code fuzz.chan}: messages of 0 to 3,000 bytes, some consumed, the ring wrapped once so it holds
 * padding), a shared-memory page ({@code storage.page}: keys set and deleted, one compaction that
 * moved the active slot to a grown region, then more changes) and a pub/sub ring
 * ({@code pubsub.ring}: messages published until the ring wrapped). Each trial takes one randomly
 * generated {@link FuzzMutation} of a seed (one to three edits: header fields, head/tail/claim
 * counters, the sleeper and producer tables, record lengths, tags, check words, CRCs, versions set
 * to 0, -1, 2^31-1, Long.MAX_VALUE, a lap away or nearby values; bit flips and byte ranges
 * anywhere; truncation, appended garbage, sparse extension past 2 GiB), writes the mutated file into
 * a fresh domain directory and reads it:
 *
 * <ul>
 *   <li>channel, through the public API: {@code Comm.open}, {@code getChannel}, {@code isClosed},
 *       {@code size}, {@code tryReceive} until empty, then, if {@code size} still counts a record,
 *       timed receives long enough for the dead-producer recovery to scan the producer table (its
 *       bound is set to 1 ms), one {@code trySend} and the receives after it.
 *       Valid data: each message is one that was sent (consumed ones included: a head moved back
 *       re-reads them), or the bytes now in the file at a sent record's payload (payloads carry no
 *       checksum in format 1.0), or the probe this trial sent, or (counted apart) the bytes after a
 *       padding record whose check word's type byte went from 2 to 1, which format 1.0 cannot detect
 *       because the check word hashes position and length but not the type; never more messages
 *       than records;</li>
 *   <li>shared memory, through the public API: {@code sharedMemory()}, {@code version()},
 *       {@code getAll()}, {@code get} of every key. Valid data: exactly one of the states (map and
 *       version) the store went through while the seed was built;</li>
 *   <li>pub/sub, through {@code PubSubRing} and its {@code Reader}, which {@code SharedMemory}'s
 *       subscriptions run on the watcher thread (its {@code CorruptStorageException} becomes
 *       {@code CorruptFileException} there): either the mutated file is opened and a reader polls a
 *       message published now, or (a peer corrupting the ring under a subscriber) the reader is made
 *       at the first intact record and the mutation then lands in the mapped file. Valid data:
 *       published messages, or the bytes now in the file at a published record.</li>
 * </ul>
 *
 * <p>Anything else fails the test with the seed, the trial number and the mutation: another
 * exception type, a corrupt-file message that does not name the file, a trial still running after
 * 30 s (a hang; each trial runs on a worker thread watched by the test thread), an open+read over
 * 100 ms that is over 100 ms again when repeated (a repeat tells a slow path from a GC pause or a
 * noisy neighbour; the first {@value #WARMUP} trials of each format, JIT-cold, are not held to it), or a
 * trial that allocated more than the largest message of its file plus {@value #ALLOCATION_MARGIN}
 * bytes on its thread ({@code com.sun.management.ThreadMXBean}; the margin covers the domain, the
 * JSON parser, class loading on first use and exception messages, and is three orders of magnitude
 * below the 2 GiB a trusted length of 2^31-1 would cost).
 *
 * <p>Counts: {@code -Dlitecomm.reliability.fuzzTries=N} trials per format; by default
 * {@value #SHORT_TRIES} (short form, {@code mvn verify}) or {@value #LONG_TRIES} with
 * {@code -Dlitecomm.reliability.long=true} (102,000 mutations in all). The random seed is printed and
 * can be fixed with {@code -Dlitecomm.reliability.fuzzSeed=S}; {@code -Dlitecomm.reliability.fuzzFrom=I}
 * starts at trial {@code I}, so a reported failure replays alone. {@link FileFuzzRegressionTest}
 * pins the defects the fuzz found.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FileFuzzTest {

    static final String TRIES = "litecomm.reliability.fuzzTries";
    static final String SEED = "litecomm.reliability.fuzzSeed";
    static final String FROM = "litecomm.reliability.fuzzFrom";
    static final int SHORT_TRIES = 2_500;
    static final int LONG_TRIES = 34_000;
    static final int WARMUP = 300;
    static final long ALLOCATION_MARGIN = 4L << 20;
    static final long TIME_LIMIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    static final long HANG_SECONDS = 30;

    static final int CHANNEL_CAPACITY = 8192;
    static final int CHANNEL_MAX_MESSAGE = 3000;
    static final int RING_CAPACITY = 4096;
    static final String CHANNEL = "fuzz";
    static final byte[] PROBE = "probe-from-fuzz".getBytes(StandardCharsets.US_ASCII);
    static final CommOptions OPTIONS = CommOptions.builder().recoveryTimeout(Duration.ofMillis(1))
            .maxPark(Duration.ofMillis(1)).pubSubCapacity(RING_CAPACITY).build();

    @TempDir
    static Path tmp;

    static FuzzSeeds.ChannelSeed channelSeed;
    static FuzzSeeds.StoreSeed storeSeed;
    static FuzzSeeds.RingSeed ringSeed;

    @BeforeAll
    static void buildSeeds() throws IOException {
        channelSeed = FuzzSeeds.ChannelSeed.build(tmp.resolve("seed-channel"));
        storeSeed = FuzzSeeds.StoreSeed.build(tmp.resolve("seed-store"));
        ringSeed = FuzzSeeds.RingSeed.build(tmp.resolve("seed-ring"));
    }

    // ---------------------------------------------------------------- the fuzz

    @Test
    void fuzzChannelFile() throws Exception {
        fuzz(new Format("channel", CHANNEL + ".chan", channelSeed.bytes, channelSeed.fields, CHANNEL_CAPACITY,
                MailboxLayout.HEADER_LENGTH, CHANNEL_MAX_MESSAGE, FileFuzzTest::channelTrial));
    }

    @Test
    void fuzzStorageFile() throws Exception {
        fuzz(new Format("storage", StoragePage.FILE_NAME, storeSeed.bytes, storeSeed.fields,
                StoragePageLayout.INITIAL_SLOT_LENGTH, StoragePageLayout.HEADER_LENGTH, storeSeed.bytes.length,
                FileFuzzTest::storageTrial));
    }

    @Test
    void fuzzPubSubFile() throws Exception {
        fuzz(new Format("pubsub", PubSubRing.FILE_NAME, ringSeed.bytes, ringSeed.fields, RING_CAPACITY,
                PubSubLayout.HEADER_LENGTH, PubSubLayout.maxPayloadFor(RING_CAPACITY), FileFuzzTest::pubSubTrial));
    }

    /** The unmutated seeds read back exactly: the oracles and the harness are right. */
    @Test
    void unmutatedSeedsReadBackExactly() throws Exception {
        FuzzMutation none = new FuzzMutation(List.of());
        Path dir = freshDomain("baseline-channel");
        ChannelOutcome channel = readChannel(dir, none.writeTo(dir.resolve(CHANNEL + ".chan"), channelSeed.bytes));
        List<byte[]> expected = new ArrayList<>(channelSeed.pending);
        expected.add(PROBE);
        assertEquals(expected.size(), channel.received().size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), channel.received().get(i), "message " + i);
        }
        dir = freshDomain("baseline-store");
        none.writeTo(dir.resolve(StoragePage.FILE_NAME), storeSeed.bytes);
        FuzzSeeds.StoreState last = storeSeed.history.get(storeSeed.history.size() - 1);
        assertEquals(last, readStore(dir));
        dir = freshDomainWith("baseline-ring", none);
        List<String> read = readRing(dir, none, true).stream().map(FuzzSeeds.RingMessage::text).toList();
        assertEquals(ringSeed.intact.stream().map(FuzzSeeds.RingMessage::text).toList(), read);
        assertEquals(List.of("fuzz " + new String(PROBE, StandardCharsets.US_ASCII)), readRing(freshDomainWith(
                "baseline-ring-2", none), none, false).stream().map(FuzzSeeds.RingMessage::text).toList());
    }

    // ---------------------------------------------------------------- harness

    /**
     * A trial: opens and reads a mutated file in {@code dir} (measured), and returns the check of
     * what it read against the oracle (not measured), which gives the outcome's name.
     */
    @FunctionalInterface
    interface TrialBody {
        Supplier<String> run(Path dir, FuzzMutation mutation, byte[] mutated) throws Exception;
    }

    /** What a trial measured. */
    record Measured(String outcome, long nanos, long allocated) {
    }

    /**
     * A format under fuzz.
     *
     * @param name for reports
     * @param fileName the file's name in a domain
     * @param seedBytes the valid file
     * @param fields its fields, targets of most mutations
     * @param capacity ring or slot size
     * @param headerLength the format's header length
     * @param maxMessage the largest message the file may hold: the allocation budget, before the margin
     * @param body opens and reads a mutated file
     */
    record Format(String name, String fileName, byte[] seedBytes, List<Field> fields, int capacity, int headerLength,
            long maxMessage, TrialBody body) {
    }

    private static void fuzz(Format format) throws Exception {
        long seed = Long.getLong(SEED, new Random().nextLong());
        int tries = ReliabilitySupport.count(TRIES, SHORT_TRIES, LONG_TRIES);
        int from = Integer.getInteger(FROM, 0);
        fuzzFormat(format, seed, tries, from);
    }

    private static void fuzzFormat(Format f, long seed, int tries, int from) throws Exception {
        String format = f.name();
        String fileName = f.fileName();
        byte[] seedBytes = f.seedBytes();
        long maxMessage = f.maxMessage();
        TrialBody body = f.body();
        long allocationLimit = maxMessage + ALLOCATION_MARGIN;
        Map<String, Long> outcomes = new TreeMap<>();
        long maxNanos = 0;
        String slowest = "";
        long maxAllocated = 0;
        String hungriest = "";
        long started = System.nanoTime();
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-" + format);
            t.setDaemon(true);
            return t;
        });
        Thread[] workerThread = new Thread[1];
        worker.submit(() -> workerThread[0] = Thread.currentThread()).get();
        try {
            for (int i = from; i < from + tries; i++) {
                FuzzMutation mutation = FuzzMutation.random(new Random(trialSeed(seed, format, i)), seedBytes, f.fields(),
                        f.capacity(), f.headerLength());
                String where = format + " fuzz failed: seed=" + seed + " trial=" + i + " mutation=" + mutation
                        + " (replay: -D" + SEED + "=" + seed + " -D" + FROM + "=" + i + " -D" + TRIES + "=1)";
                Path dir = tmp.resolve(format + "-" + i);
                Measured m = runTrial(worker, workerThread[0], dir, fileName, mutation, seedBytes, body, where);
                if (m.nanos() > TIME_LIMIT_NANOS && i - from >= WARMUP) {
                    Measured again = runTrial(worker, workerThread[0], dir, fileName, mutation, seedBytes, body, where);
                    assertTrue(again.nanos() <= TIME_LIMIT_NANOS, () -> where + ": open+read took "
                            + TimeUnit.NANOSECONDS.toMillis(m.nanos()) + " ms, then " + TimeUnit.NANOSECONDS.toMillis(
                            again.nanos()) + " ms when repeated; the limit is 100 ms");
                }
                assertTrue(m.allocated() <= allocationLimit, () -> where + ": allocated " + m.allocated()
                        + " bytes, more than the largest message " + maxMessage + " + " + ALLOCATION_MARGIN);
                outcomes.merge(m.outcome(), 1L, Long::sum);
                if (i - from >= WARMUP && m.nanos() > maxNanos) {
                    maxNanos = m.nanos();
                    slowest = m.outcome() + " " + mutation;
                }
                if (m.allocated() > maxAllocated) {
                    maxAllocated = m.allocated();
                    hungriest = m.outcome() + " " + mutation;
                }
            }
        } finally {
            worker.shutdownNow();
        }
        long valid = outcomes.entrySet().stream().filter(e -> e.getKey().startsWith("valid"))
                .mapToLong(Map.Entry::getValue).sum();
        System.out.printf("RELIABILITY #11 file fuzz %s: seed=%d trials=%d valid=%d corrupt=%d in %d ms;"
                + " max open+read %.1f ms (after %d warm-up trials) for %s; max allocated %d bytes (limit %d) for %s%n"
                + "  outcomes: %s%n", format, seed, tries,
                valid, tries - valid, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), maxNanos / 1e6, WARMUP,
                slowest, maxAllocated, allocationLimit, hungriest, outcomes);
    }

    private static long trialSeed(long seed, String format, int trial) {
        long x = seed ^ (format.hashCode() * 0x9E3779B97F4A7C15L) ^ (trial * 0xC2B2AE3D27D4EB4FL);
        x ^= x >>> 31;
        return x * 0xBF58476D1CE4E5B9L;
    }

    private static Measured runTrial(ExecutorService worker, Thread workerThread, Path dir, String fileName,
            FuzzMutation mutation, byte[] seedBytes, TrialBody body, String where) throws InterruptedException {
        Future<Measured> future = worker.submit(() -> {
            try {
                createDomain(dir);
                byte[] mutated = mutation.writeTo(dir.resolve(fileName), seedBytes);
                long allocatedBefore = allocatedBytes();
                long start = System.nanoTime();
                Supplier<String> verdict = body.run(dir, mutation, mutated);
                long nanos = System.nanoTime() - start;
                long allocated = allocatedBytes() - allocatedBefore;
                String outcome = verdict.get();
                return new Measured(outcome, nanos, allocated);
            } finally {
                deleteTree(dir);
            }
        });
        try {
            return future.get(HANG_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            AssertionError hang = new AssertionError(where + ": still running after " + HANG_SECONDS + " s (a hang) at\n"
                    + stack(workerThread));
            future.cancel(true);
            throw hang;
        } catch (ExecutionException e) {
            throw new AssertionError(where + ": " + e.getCause(), e.getCause());
        }
    }

    /**
     * Bytes allocated so far by the calling thread, from {@code com.sun.management.ThreadMXBean}
     * (called reflectively: the test sources compile inside the module, which does not read
     * {@code jdk.management}).
     */
    private static long allocatedBytes() {
        try {
            return (long) ALLOCATED_BYTES.invoke(ManagementFactory.getThreadMXBean());
        } catch (Throwable e) {
            throw new AssertionError("cannot measure allocation", e);
        }
    }

    private static final MethodHandle ALLOCATED_BYTES = allocatedBytesHandle();

    private static MethodHandle allocatedBytesHandle() {
        try {
            Class<?> bean = Class.forName("com.sun.management.ThreadMXBean");
            return MethodHandles.publicLookup().findVirtual(bean, "getCurrentThreadAllocatedBytes",
                    MethodType.methodType(long.class)).asType(MethodType.methodType(long.class, Object.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static String stack(Thread thread) {
        StringBuilder out = new StringBuilder();
        for (StackTraceElement frame : thread.getStackTrace()) {
            out.append("    at ").append(frame).append('\n');
        }
        return out.toString();
    }

    /** A corrupt-file outcome: the exception names the file; its problem (before the first ':') classifies it. */
    private static String corrupt(CorruptFileException e, Path file) {
        assertEquals(file.getFileName(), e.file().getFileName(), () -> "wrong file in " + e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), () -> "message does not name " + file + ": " + e.getMessage());
        return "corrupt: " + problemOf(e.getMessage().substring("corrupt file: ".length()));
    }

    private static String corrupt(CorruptStorageException e, Path file) {
        assertEquals(file.toString(), e.location(), () -> "wrong file in " + e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), () -> "message does not name " + file + ": " + e.getMessage());
        return "corrupt: " + problemOf(e.problem());
    }

    private static String problemOf(String message) {
        int colon = message.indexOf(':');
        return colon < 0 ? message : message.substring(0, colon);
    }

    // ---------------------------------------------------------------- channel

    private static Supplier<String> channelTrial(Path dir, FuzzMutation mutation, byte[] mutated) {
        Path file = dir.resolve(CHANNEL + ".chan");
        ChannelOutcome outcome;
        try {
            outcome = readChannel(dir, mutated);
        } catch (CorruptFileException e) {
            return () -> corrupt(e, file);
        }
        return () -> checkChannel(outcome, mutated);
    }

    private static String checkChannel(ChannelOutcome outcome, byte[] mutated) {
        int records = CHANNEL_CAPACITY / MailboxLayout.RECORD_ALIGNMENT + 1;
        assertTrue(outcome.received.size() <= records, () -> "more messages than the ring can hold: "
                + outcome.received.size());
        String kind = "valid";
        for (byte[] message : outcome.received) {
            if (!channelSeed.accepts(message, mutated) && channelSeed.isPaddingReadAsMessage(message, mutated)) {
                kind = "valid in format 1.0: padding read as a message (its check word's type byte changed)";
                continue;
            }
            assertTrue(channelSeed.accepts(message, mutated), () -> "message never sent: "
                    + Arrays.toString(Arrays.copyOf(message, Math.min(64, message.length))) + " length=" + message.length);
        }
        return outcome.problem == null ? kind : kind + ", then " + outcome.problem;
    }

    /** What a channel trial read, and why it stopped early (a documented refusal), if it did. */
    record ChannelOutcome(List<byte[]> received, String problem) {
    }

    private static ChannelOutcome readChannel(Path dir, byte[] mutated) {
        List<byte[]> received = new ArrayList<>();
        int limit = CHANNEL_CAPACITY / MailboxLayout.RECORD_ALIGNMENT + 4;
        String problem = null;
        try (Comm comm = Comm.open(dir, OPTIONS)) {
            Channel<Object> channel = comm.getChannel(CHANNEL);
            channel.isClosed();
            channel.size();
            drain(channel, received, limit, Duration.ZERO);
            if (channel.size() > 0) {
                // something claimed but not receivable: wait long enough for the stuck head to be
                // noticed twice, 1 ms apart, so the dead-producer recovery scans the producer table
                drain(channel, received, limit, Duration.ofMillis(3));
            }
            try {
                channel.trySend(PROBE);
            } catch (ChannelClosedException | MessageTooLargeException refused) {
                problem = refused.getClass().getSimpleName();
            }
            channel.size();
            drain(channel, received, limit, Duration.ZERO);
        }
        return new ChannelOutcome(received, problem);
    }

    private static void drain(Channel<Object> channel, List<byte[]> into, int limit, Duration wait) {
        while (into.size() <= limit) {
            Optional<Object> message = wait.isZero() ? channel.tryReceive() : channel.receive(wait);
            if (message.isEmpty()) {
                return;
            }
            Object value = message.get();
            assertTrue(value instanceof byte[], () -> "not raw bytes: " + value);
            into.add((byte[]) value);
        }
        fail("receive never ran dry: " + into.size() + " messages");
    }

    // ---------------------------------------------------------------- storage

    private static Supplier<String> storageTrial(Path dir, FuzzMutation mutation, byte[] mutated) {
        Path file = dir.resolve(StoragePage.FILE_NAME);
        FuzzSeeds.StoreState state;
        try {
            state = readStore(dir);
        } catch (CorruptFileException e) {
            return () -> corrupt(e, file);
        }
        return () -> {
            assertTrue(storeSeed.history.contains(state), () -> "a state the store never had: " + state);
            return "valid";
        };
    }

    private static FuzzSeeds.StoreState readStore(Path dir) {
        try (Comm comm = Comm.open(dir, OPTIONS)) {
            SharedMemory memory = comm.sharedMemory();
            long version = memory.version();
            Map<String, Object> all = memory.getAll();
            for (String key : storeSeed.keys) {
                Object value = memory.get(key);
                if (all.containsKey(key) ? !java.util.Objects.equals(all.get(key), value) : value != null) {
                    fail("get(" + key + ") = " + value + " but getAll has " + all.get(key));
                }
            }
            assertEquals(version, memory.version(), "version moved in a still file");
            return new FuzzSeeds.StoreState(new TreeMap<>(all), version);
        }
    }

    // ---------------------------------------------------------------- pub/sub

    private static Supplier<String> pubSubTrial(Path dir, FuzzMutation mutation, byte[] mutated) throws IOException {
        Path file = dir.resolve(PubSubRing.FILE_NAME);
        boolean behind = mutated.length >= PubSubLayout.HEADER_LENGTH && (mutation.hashCode() & 1) == 0;
        List<FuzzSeeds.RingMessage> read;
        try {
            read = readRing(dir, mutation, behind);
        } catch (CorruptStorageException e) {
            return () -> corrupt(e, file);
        }
        return () -> {
            for (FuzzSeeds.RingMessage message : read) {
                assertTrue(ringSeed.accepts(message, mutated), () -> "message never published: " + message.text());
            }
            return behind ? "valid (reader behind)" : "valid";
        };
    }

    /**
     * Reads a ring. {@code behind}: the file on disk is the mutated one with its tail and sequence
     * set back to the first intact record; a reader is made there, then the mutated words are put
     * back through the file (the mapping sees them). Otherwise the reader starts at the mutated
     * tail and one probe message is published and read.
     */
    private static List<FuzzSeeds.RingMessage> readRing(Path dir, FuzzMutation mutation, boolean behind) throws IOException {
        Path file = dir.resolve(PubSubRing.FILE_NAME);
        ByteBuffer words = ByteBuffer.allocate(PubSubLayout.HEADER_LENGTH - PubSubLayout.CLAIM_OFFSET)
                .order(ByteOrder.LITTLE_ENDIAN);
        if (behind) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                channel.read(words, PubSubLayout.CLAIM_OFFSET);
                words.flip();
                ByteBuffer start = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                channel.write(start.putLong(0, ringSeed.startPosition), PubSubLayout.TAIL_OFFSET);
                channel.write(start.clear().putLong(0, ringSeed.startSequence), PubSubLayout.NEXT_SEQUENCE_OFFSET);
            }
        }
        List<FuzzSeeds.RingMessage> read = new ArrayList<>();
        PubSubRing ring = PubSubRing.open(DomainDirectory.open(dir), RING_CAPACITY);
        try {
            PubSubRing.Reader reader = ring.newReader();
            if (behind) {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    channel.write(words, PubSubLayout.CLAIM_OFFSET);
                }
            } else if (PROBE.length <= ring.maxPayload()) {
                ring.publish("fuzz", PROBE);
            } // else SharedMemory.publish refuses it with MessageTooLargeException before the ring is touched
            PubSubRing.Sink sink = new PubSubRing.Sink() {
                @Override
                public void message(PubSubRing.Message message) {
                    read.add(new FuzzSeeds.RingMessage(message.position(), message.topic(), message.payload()));
                }

                @Override
                public void missed(long count) {
                    // lapped: allowed, the count is informative
                }
            };
            int limit = RING_CAPACITY / PubSubLayout.RECORD_ALIGNMENT + 2;
            for (int round = 0; round < 4 && read.size() <= limit; round++) {
                if (reader.poll(sink, limit) == 0) {
                    break;
                }
            }
            assertTrue(read.size() <= limit, () -> "more messages than the ring can hold: " + read.size());
        } finally {
            ring.close();
        }
        return read;
    }

    // ---------------------------------------------------------------- files

    private static Path freshDomain(String name) throws IOException {
        Path dir = tmp.resolve(name);
        createDomain(dir);
        return dir;
    }

    private static Path freshDomainWith(String name, FuzzMutation mutation) throws IOException {
        Path dir = freshDomain(name);
        mutation.writeTo(dir.resolve(PubSubRing.FILE_NAME), ringSeed.bytes);
        return dir;
    }

    private static void createDomain(Path dir) throws IOException {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
