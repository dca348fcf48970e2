package io.litecomm.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.testing.ChildJvm;
import io.litecomm.testing.ChildJvm.Await;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY #2, random {@code kill -9} under load: 4 producer processes and 2 consumer processes
 * on one channel (64 KiB ring, messages of 20 to 2,048 bytes, so producers block, wrap and pad all
 * the time). Each producer incarnation draws a number of sends (1 to 3,000); one producer at a time,
 * chosen at random among those that have completed their number, is SIGKILLed and replaced by a new
 * incarnation, so kills land anywhere in {@code send}: waiting for room, between claim and commit
 * (then recovered by the consumers), or between sends. A second test kills consumers instead: one
 * killed after taking a message loses that message (at-most-once, documented), and nothing else.
 *
 * <p>Passes when every message whose {@code send} returned (the producer's record file) is delivered
 * exactly once, intact, in order per consumer for each producer incarnation, nothing else arrives
 * but possibly the one message whose {@code send} the kill interrupted after its commit, and, after
 * the last kill, a fresh message arrives within the recovery bound plus scheduling slack.
 *
 * <p>Short form: 20 kills (plus the final 4). Long form ({@code -Dlitecomm.reliability.long=true}): 1,000 kills.
 * {@code -Dlitecomm.reliability.kills=N} sets the count, {@code -Dlitecomm.reliability.seed=S} the seed.
 */
@Timeout(1800)
class RandomKillUnderLoadTest {

    private static final int PRODUCERS = 4;
    private static final int CONSUMERS = 2;
    private static final int KILLS = ReliabilitySupport.count("litecomm.reliability.kills", 20, 1000);
    private static final String NAME = "load";
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** Scheduling slack on top of the recovery bound for the message sent after the last kill. */
    private static final Duration SLACK = Duration.ofSeconds(3);
    /** An incarnation is killed after a random number of completed sends, 1 to this. */
    private static final int MAX_SENDS_BEFORE_KILL = 3_000;
    private static final int CONSUMER_KILLS = ReliabilitySupport.count("litecomm.reliability.consumerKills", 6, 200);
    /** A consumer incarnation is killed after a random number of recorded messages, 1 to this. */
    private static final int MAX_RECORDS_BEFORE_KILL = 20_000;
    /** Room in a consumer's result file (sparse; only what it records is written). */
    private static final long CONSUMER_RECORDS = 50_000_000;

    @TempDir
    Path dir;

    /** One run of one producer: its record file holds the count of completed sends. */
    private record Incarnation(int producer, int number, Path record, long killAfter) {
        long key() {
            return (long) producer << 32 | number;
        }
    }

    private static long completed(Path record) {
        try {
            byte[] bytes = Files.readAllBytes(record);
            return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + record, e);
        }
    }

    private Incarnation start(ReliabilitySupport.Group group, Path domain, int producer, int number,
                              ChildJvm[] running, Random random) throws IOException {
        Path record = dir.resolve("record-" + producer + "-" + number);
        Files.write(record, new byte[Long.BYTES]);
        running[producer] = group.start(LoadProducer.class, domain.toString(), NAME, Integer.toString(producer),
                Integer.toString(number), record.toString());
        return new Incarnation(producer, number, record, 1 + random.nextInt(MAX_SENDS_BEFORE_KILL));
    }

    private static void kill(ChildJvm child) {
        child.process().destroyForcibly();
        int code = child.awaitExit(WAIT);
        assertEquals(137, code, () -> "a producer died of something else than SIGKILL:\n" + child.output());
    }

    @Test
    void everyCommittedMessageArrivesExactlyOnceThroughRandomKills() throws IOException {
        long seed = Long.getLong("litecomm.reliability.seed", System.nanoTime());
        Random random = new Random(seed);
        Path domain = dir.resolve("d");
        List<Incarnation> incarnations = new ArrayList<>();
        List<Path> results = new ArrayList<>();
        long began = System.nanoTime();
        try (Comm comm = Comm.open(domain, LoadMessages.options());
             ReliabilitySupport.Group group = new ReliabilitySupport.Group(dir.resolve("logs"))) {
            Channel<byte[]> channel = comm.channel(NAME, byte[].class, LoadMessages.CHANNEL);
            List<ChildJvm> consumers = new ArrayList<>();
            for (int c = 0; c < CONSUMERS; c++) {
                Path result = dir.resolve("consumer-" + c + ".bin");
                results.add(result);
                consumers.add(group.start(LoadConsumer.class, domain.toString(), NAME, result.toString()));
            }
            for (ChildJvm consumer : consumers) {
                consumer.awaitOutput("CONSUMING", WAIT);
            }
            ChildJvm[] running = new ChildJvm[PRODUCERS];
            Incarnation[] current = new Incarnation[PRODUCERS];
            int[] next = new int[PRODUCERS];
            for (int p = 0; p < PRODUCERS; p++) {
                current[p] = start(group, domain, p, next[p]++, running, random);
                incarnations.add(current[p]);
            }
            for (int kill = 0; kill < KILLS; kill++) {
                int p = awaitKillable(current, running, random, group);
                kill(running[p]);
                current[p] = start(group, domain, p, next[p]++, running, random);
                incarnations.add(current[p]);
            }
            for (int p = 0; p < PRODUCERS; p++) {
                awaitProgress(current[p], running[p], 1 + random.nextInt(300), group);
                kill(running[p]);
            }
            long latency = awaitFreshMessage(channel, consumers);
            channel.close();
            for (ChildJvm consumer : consumers) {
                consumer.awaitSuccess(WAIT);
            }
            Figures figures = verify(incarnations, results);
            long recovered = consumers.stream().mapToLong(c -> count(c.output(), "recovered a message claimed")).sum();
            System.out.println("RELIABILITY #2 seed=" + seed + " kills=" + (KILLS + PRODUCERS) + " incarnations="
                    + incarnations.size() + " delivered=" + figures.delivered + " committedUnrecorded="
                    + figures.unrecorded + " recoveredClaims=" + recovered + " freshMessageMs=" + latency
                    + " seconds=" + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began));
        }
    }

    /** Result files of consumer incarnations: count, then records (see {@link DurableConsumer}). */
    private static long recordsIn(Path result) {
        try (FileChannel file = FileChannel.open(result, StandardOpenOption.READ)) {
            ByteBuffer count = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            return file.read(count, 0) == Long.BYTES ? count.getLong(0) : 0;
        } catch (IOException e) {
            return 0; // not created yet
        }
    }

    /**
     * Consumers killed at random while 4 producers send: each killed consumer loses at most the one
     * message it had taken and not yet handled (at-most-once, documented); nothing is duplicated, the
     * order per producer holds within each consumer, and the channel keeps flowing to the survivors
     * and replacements. {@code -Dlitecomm.reliability.consumerKills=N} (6 short, 200 long).
     */
    @Test
    void aKilledConsumerLosesAtMostTheMessageItHeld() throws IOException {
        long seed = Long.getLong("litecomm.reliability.seed", System.nanoTime());
        Random random = new Random(seed);
        Path domain = dir.resolve("d");
        List<Incarnation> producers = new ArrayList<>();
        List<Path> results = new ArrayList<>();
        long began = System.nanoTime();
        try (Comm comm = Comm.open(domain, LoadMessages.options());
             ReliabilitySupport.Group group = new ReliabilitySupport.Group(dir.resolve("logs"))) {
            Channel<byte[]> channel = comm.channel(NAME, byte[].class, LoadMessages.CHANNEL);
            ChildJvm[] consumers = new ChildJvm[CONSUMERS];
            Path[] current = new Path[CONSUMERS];
            for (int c = 0; c < CONSUMERS; c++) {
                current[c] = dir.resolve("consumer-" + results.size() + ".bin");
                results.add(current[c]);
                consumers[c] = group.start(DurableConsumer.class, domain.toString(), NAME, current[c].toString(),
                        Long.toString(CONSUMER_RECORDS));
                consumers[c].awaitOutput("CONSUMING", WAIT);
            }
            ChildJvm[] running = new ChildJvm[PRODUCERS];
            for (int p = 0; p < PRODUCERS; p++) {
                producers.add(start(group, domain, p, 0, running, random));
            }
            for (int kill = 0; kill < CONSUMER_KILLS; kill++) {
                int c = random.nextInt(CONSUMERS);
                Path result = current[c];
                ChildJvm consumer = consumers[c];
                long target = recordsIn(result) + 1 + random.nextInt(MAX_RECORDS_BEFORE_KILL);
                Await.until(() -> recordsIn(result) >= target || !consumer.process().isAlive(), WAIT,
                        () -> "consumer made no progress (channel wedged?)\n" + group.outputs());
                kill(consumer);
                current[c] = dir.resolve("consumer-" + results.size() + ".bin");
                results.add(current[c]);
                consumers[c] = group.start(DurableConsumer.class, domain.toString(), NAME, current[c].toString(),
                        Long.toString(CONSUMER_RECORDS));
                consumers[c].awaitOutput("CONSUMING", WAIT);
            }
            for (int p = 0; p < PRODUCERS; p++) {
                awaitProgress(producers.get(p), running[p], 1 + random.nextInt(300), group);
                kill(running[p]);
            }
            channel.close();
            for (ChildJvm consumer : consumers) {
                consumer.awaitSuccess(WAIT);
            }
            long[] figures = verifyDurable(producers, results, CONSUMER_KILLS);
            System.out.println("RELIABILITY #2 consumers seed=" + seed + " consumerKills=" + CONSUMER_KILLS + " delivered="
                    + figures[0] + " lost=" + figures[1] + " seconds="
                    + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began));
        }
    }

    /** Checks the records of all consumer incarnations; returns {delivered, lost}. */
    private static long[] verifyDurable(List<Incarnation> producers, List<Path> results, int kills) throws IOException {
        Map<Long, BitSet> delivered = new HashMap<>();
        for (Incarnation producer : producers) {
            delivered.put(producer.key(), new BitSet());
        }
        List<String> problems = new ArrayList<>();
        long total = 0;
        for (Path result : results) {
            long count = recordsIn(result);
            ByteBuffer file = ByteBuffer.allocate((int) DurableConsumer.fileLength(count));
            try (FileChannel channel = FileChannel.open(result, StandardOpenOption.READ)) {
                while (file.hasRemaining() && channel.read(file, file.position()) > 0) {
                    // read the records, and only them: the rest of the file is sparse room
                }
            }
            Map<Long, Long> last = new HashMap<>();
            for (long i = 0; i < count; i++) {
                int at = (int) DurableConsumer.fileLength(i);
                long key = (long) file.getInt(at) << 32 | file.getInt(at + 4);
                long sequence = file.getLong(at + 8);
                BitSet seen = delivered.get(key);
                total++;
                if (file.get(at + 16) != 1 || seen == null || sequence < 0 || sequence > Integer.MAX_VALUE) {
                    problems.add(result.getFileName() + ": bad message key=" + key + " sequence=" + sequence);
                    continue;
                }
                Long previous = last.put(key, sequence);
                if (previous != null && previous >= sequence) {
                    problems.add(result.getFileName() + ": out of order " + previous + " then " + sequence);
                }
                if (seen.get((int) sequence)) {
                    problems.add("duplicate " + key + "/" + sequence);
                }
                seen.set((int) sequence);
            }
        }
        long lost = 0;
        for (Incarnation producer : producers) {
            BitSet seen = delivered.get(producer.key());
            long recorded = completed(producer.record());
            if (seen.length() > recorded + 1) {
                problems.add(producer + ": delivered sequence " + (seen.length() - 1) + " but only " + recorded + " sent");
            }
            lost += recorded - seen.get(0, (int) recorded).cardinality();
        }
        if (lost > kills) {
            problems.add(lost + " messages lost with " + kills + " consumer kills: more than one per kill");
        }
        assertTrue(problems.isEmpty(), () -> problems.size() + " problems, first: "
                + String.join("\n", problems.subList(0, Math.min(20, problems.size()))));
        return new long[] {total, lost};
    }

    /**
     * Waits until some producers have completed the sends after which they are to be killed and picks
     * one of them at random; fails if none gets there (the channel is wedged) or one died on its own.
     */
    private static int awaitKillable(Incarnation[] current, ChildJvm[] running, Random random,
                                     ReliabilitySupport.Group group) {
        List<Integer> ready = new ArrayList<>();
        Await.until(() -> {
            ready.clear();
            for (int p = 0; p < PRODUCERS; p++) {
                ChildJvm child = running[p];
                assertTrue(child.process().isAlive(), () -> "producer died on its own:\n" + child.output());
                if (completed(current[p].record()) >= current[p].killAfter()) {
                    ready.add(p);
                }
            }
            return !ready.isEmpty();
        }, WAIT, () -> "no producer made progress (channel wedged?)\n" + group.outputs());
        return ready.get(random.nextInt(ready.size()));
    }

    /** Waits until an incarnation has completed {@code more} further sends; fails if it died or stalled. */
    private static void awaitProgress(Incarnation incarnation, ChildJvm child, int more, ReliabilitySupport.Group group) {
        long target = completed(incarnation.record()) + more;
        Await.until(() -> completed(incarnation.record()) >= target || !child.process().isAlive(), WAIT,
                () -> "producer " + incarnation + " made no progress (channel wedged?) completed="
                        + completed(incarnation.record()) + "\n" + group.outputs());
        assertTrue(child.process().isAlive(), () -> "producer died on its own:\n" + child.output());
    }

    /** After the last kill: a new message must get through within the bound (plus slack). */
    private static long awaitFreshMessage(Channel<byte[]> channel, List<ChildJvm> consumers) {
        long start = System.nanoTime();
        channel.send(LoadMessages.marker(0));
        Await.until(() -> consumers.stream().anyMatch(c -> c.output().contains("MARKER 0")),
                LoadMessages.BOUND.plus(SLACK), () -> "the channel stayed wedged after the last kill: size="
                        + channel.size() + "\n" + consumers.get(0).output() + "\n" + consumers.get(1).output());
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static long count(String text, String needle) {
        long n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    /** What the verification counted. */
    private static final class Figures {
        long delivered;
        long unrecorded;
    }

    private static Figures verify(List<Incarnation> incarnations, List<Path> results) throws IOException {
        Map<Long, BitSet> delivered = new HashMap<>();
        for (Incarnation incarnation : incarnations) {
            delivered.put(incarnation.key(), new BitSet());
        }
        List<String> problems = new ArrayList<>();
        Figures figures = new Figures();
        for (Path result : results) {
            readResult(result, delivered, problems, figures);
        }
        for (Incarnation incarnation : incarnations) {
            BitSet seen = delivered.get(incarnation.key());
            long recorded = completed(incarnation.record());
            int count = seen.cardinality();
            if (seen.nextClearBit(0) != count) {
                problems.add(incarnation + ": gap, first missing " + seen.nextClearBit(0) + " of " + count);
            }
            if (count < recorded || count > recorded + 1) {
                problems.add(incarnation + ": delivered " + count + " but " + recorded + " sends completed");
            }
            if (count == recorded + 1) {
                figures.unrecorded++;
            }
        }
        assertTrue(problems.isEmpty(), () -> problems.size() + " problems, first: "
                + String.join("\n", problems.subList(0, Math.min(20, problems.size()))));
        return figures;
    }

    private static void readResult(Path result, Map<Long, BitSet> delivered, List<String> problems, Figures figures)
            throws IOException {
        Map<Long, Long> last = new HashMap<>();
        try (InputStream file = Files.newInputStream(result);
             DataInputStream in = new DataInputStream(new BufferedInputStream(file, 1 << 16))) {
            long entries = Files.size(result) / LoadConsumer.ENTRY;
            for (long i = 0; i < entries; i++) {
                int producer = in.readInt();
                int number = in.readInt();
                long sequence = in.readLong();
                boolean intact = in.readByte() == 1;
                long key = (long) producer << 32 | number;
                BitSet seen = delivered.get(key);
                figures.delivered++;
                if (!intact || seen == null || sequence < 0 || sequence > Integer.MAX_VALUE) {
                    problems.add(result.getFileName() + ": bad message producer=" + producer + " incarnation=" + number
                            + " sequence=" + sequence + " intact=" + intact);
                    continue;
                }
                Long previous = last.put(key, sequence);
                if (previous != null && previous >= sequence) {
                    problems.add(result.getFileName() + ": out of order for " + producer + "/" + number + ": " + previous
                            + " then " + sequence);
                }
                if (seen.get((int) sequence)) {
                    problems.add("duplicate " + producer + "/" + number + "/" + sequence);
                }
                seen.set((int) sequence);
            }
        }
    }
}
