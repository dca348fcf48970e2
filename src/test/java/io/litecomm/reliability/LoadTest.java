package io.litecomm.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.testing.ChildJvm;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's load test: 4 producer processes and 2 consumer processes on one channel, message sizes
 * drawn at random from 0 bytes to the channel's maximum, every message carrying its producer,
 * sequence number and checksum where it has room for them.
 *
 * <p>Every message's bytes are a function of its producer and sequence number. From
 * {@value #NUMBERED} bytes on, a message starts with its producer (byte) and sequence (long), and
 * from {@value #FULL} bytes on it also carries a CRC-32C of the rest: for all of these the test
 * proves each arrives exactly once, byte for byte, and in order per producer within each consumer.
 * Messages of 0 to 8 bytes have no room for their numbers: for them the test proves that the
 * multiset received equals the multiset sent (no loss, no duplicate, no damage).
 *
 * <p>Short form: 20,000 messages per producer; long form: 500,000
 * ({@code -Dlitecomm.reliability.loadMessages=N}).
 */
@Timeout(1200)
class LoadTest {

    /** Smallest message with the full header: producer, sequence, checksum. */
    static final int FULL = 16;
    /** Smallest message that carries producer and sequence. */
    static final int NUMBERED = 9;
    static final ChannelOptions CHANNEL = ChannelOptions.builder().capacity(1 << 16).maxMessageSize(2048).build();
    private static final int PRODUCERS = 4;
    private static final int CONSUMERS = 2;
    private static final int MESSAGES = ReliabilitySupport.count("litecomm.reliability.loadMessages", 20_000, 500_000);
    private static final Duration WAIT = Duration.ofMinutes(15);

    @TempDir
    Path dir;

    private static long mix(long producer, long sequence) {
        long h = producer * 0x9E3779B97F4A7C15L ^ sequence * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        return h ^ h >>> 29;
    }

    /**
     * Message {@code sequence} of {@code producer}: 0 to the channel maximum bytes.
     *
     * @param producer the producer, 0 to 3
     * @param sequence its number
     * @return the bytes
     */
    static byte[] message(int producer, long sequence) {
        long h = mix(producer, sequence);
        byte[] bytes = new byte[(int) Math.floorMod(h, (long) CHANNEL.maxMessageSize() + 1)];
        long x = h | 1;
        for (int i = 0; i < bytes.length; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            bytes[i] = (byte) x;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (bytes.length >= NUMBERED) {
            b.put(0, (byte) producer).putLong(1, sequence);
        }
        if (bytes.length >= FULL) {
            b.putInt(12, crc(bytes));
        }
        return bytes;
    }

    private static int crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, 12);
        crc.update(bytes, FULL, bytes.length - FULL);
        return (int) crc.getValue();
    }

    /** A producer: sends messages 0 .. count-1, then prints {@code SENT count}. Arguments: domain, producer, count. */
    public static final class Producer {
        public static void main(String[] args) {
            ChildSupport.watchParent();
            int producer = Integer.parseInt(args[1]);
            long count = Long.parseLong(args[2]);
            try (Comm comm = Comm.open(Path.of(args[0]))) {
                Channel<byte[]> channel = comm.channel("load", byte[].class, CHANNEL);
                for (long s = 0; s < count; s++) {
                    channel.send(message(producer, s));
                }
            }
            ChildSupport.say("SENT " + count);
            System.exit(0);
        }
    }

    /** A consumer: writes every message (length, bytes) to its file until the channel closes. Arguments: domain, file. */
    public static final class Consumer {
        public static void main(String[] args) throws IOException {
            ChildSupport.watchParent();
            long count = 0;
            try (Comm comm = Comm.open(Path.of(args[0]));
                 DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(args[1]), 1 << 16))) {
                Channel<byte[]> channel = comm.channel("load", byte[].class, CHANNEL);
                ChildSupport.say("CONSUMING");
                for (byte[] message : channel) {
                    out.writeShort(message.length);
                    out.write(message);
                    count++;
                }
            }
            ChildSupport.say("DONE " + count);
            System.exit(0);
        }
    }

    @Test
    void everyMessageOfEverySizeArrivesExactlyOnceIntactAndInOrderPerProducer() throws IOException {
        Path domain = dir.resolve("d");
        long began = System.nanoTime();
        List<Path> results = new ArrayList<>();
        try (Comm comm = Comm.open(domain);
             ReliabilitySupport.Group group = new ReliabilitySupport.Group(dir.resolve("logs"))) {
            Channel<byte[]> channel = comm.channel("load", byte[].class, CHANNEL);
            List<ChildJvm> consumers = new ArrayList<>();
            for (int c = 0; c < CONSUMERS; c++) {
                Path result = dir.resolve("consumer-" + c + ".bin");
                results.add(result);
                consumers.add(group.start(Consumer.class, domain.toString(), result.toString()));
            }
            for (ChildJvm consumer : consumers) {
                consumer.awaitOutput("CONSUMING", Duration.ofSeconds(60));
            }
            List<ChildJvm> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                producers.add(group.start(Producer.class, domain.toString(), Integer.toString(p), Integer.toString(MESSAGES)));
            }
            for (ChildJvm producer : producers) {
                producer.awaitSuccess(WAIT);
            }
            channel.close();
            for (ChildJvm consumer : consumers) {
                consumer.awaitSuccess(Duration.ofSeconds(120));
            }
        }
        long[] figures = verify(results);
        System.out.println("RELIABILITY load producers=" + PRODUCERS + " consumers=" + CONSUMERS + " messages=" + figures[0]
                + " short=" + figures[1] + " empty=" + figures[2] + " seconds="
                + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began));
    }

    /** Checks all consumers' records; returns {messages, shorter than FULL, empty}. */
    private static long[] verify(List<Path> results) throws IOException {
        long[] next = new long[PRODUCERS];
        Map<String, Integer> shortOnes = new HashMap<>();
        long[] expectedNext = new long[PRODUCERS];
        List<String> problems = new ArrayList<>();
        java.util.BitSet[] seen = new java.util.BitSet[PRODUCERS];
        for (int p = 0; p < PRODUCERS; p++) {
            seen[p] = new java.util.BitSet(MESSAGES);
            for (long s = 0; s < MESSAGES; s++) {
                byte[] m = message(p, s);
                if (m.length < NUMBERED) {
                    shortOnes.merge(Arrays.toString(m), 1, Integer::sum);
                }
            }
        }
        long total = 0;
        long shorter = 0;
        long empty = 0;
        for (Path result : results) {
            Arrays.fill(next, -1);
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(result), 1 << 16))) {
                long size = Files.size(result);
                long read = 0;
                while (read < size) {
                    byte[] m = new byte[in.readUnsignedShort()];
                    in.readFully(m);
                    read += 2 + m.length;
                    total++;
                    shorter += m.length < FULL ? 1 : 0;
                    empty += m.length == 0 ? 1 : 0;
                    if (m.length < NUMBERED) {
                        if (shortOnes.merge(Arrays.toString(m), -1, Integer::sum) < 0) {
                            problems.add("a short message arrived more often than sent: " + Arrays.toString(m));
                        }
                        continue;
                    }
                    ByteBuffer b = ByteBuffer.wrap(m);
                    int p = b.get(0);
                    long s = b.getLong(1);
                    if (p < 0 || p >= PRODUCERS || s < 0 || s >= MESSAGES || !Arrays.equals(m, message(p, s))) {
                        problems.add(result.getFileName() + ": damaged message of " + m.length + " bytes, producer=" + p
                                + " sequence=" + s);
                        continue;
                    }
                    if (s <= next[p]) {
                        problems.add(result.getFileName() + ": producer " + p + " out of order: " + next[p] + " then " + s);
                    }
                    next[p] = s;
                    if (seen[p].get((int) s)) {
                        problems.add("duplicate " + p + "/" + s);
                    }
                    seen[p].set((int) s);
                }
            }
        }
        for (int p = 0; p < PRODUCERS; p++) {
            for (long s = 0; s < MESSAGES; s++) {
                if (!seen[p].get((int) s) && message(p, s).length >= NUMBERED) {
                    expectedNext[p]++;
                }
            }
            if (expectedNext[p] > 0) {
                problems.add("producer " + p + ": " + expectedNext[p] + " numbered messages never arrived");
            }
        }
        shortOnes.forEach((content, left) -> {
            if (left > 0) {
                problems.add(left + " short messages " + content + " never arrived");
            }
        });
        assertTrue(problems.isEmpty(), () -> problems.size() + " problems, first: "
                + String.join("\n", problems.subList(0, Math.min(20, problems.size()))));
        assertEquals((long) PRODUCERS * MESSAGES, total, "messages received");
        return new long[] {total, shorter, empty};
    }
}
