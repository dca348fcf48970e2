package io.litecomm.bench;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.mapped.mailbox.MailboxTransport;
import io.litecomm.mapped.file.DomainDirectory;
import io.litecomm.spi.MessageQueue;
import io.litecomm.spi.QueueSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Control;

/**
 * Hot-path cost of a channel inside one process: send plus receive of a 64-byte message.
 *
 * <p>Run (from the project root; quick settings, allocation per op through the GC profiler):
 *
 * <pre>
 * mvn -B -q -DskipTests test-compile exec:exec@bench -Djmh.args="ChannelHotPath -f 1 -wi 3 -i 5 -prof gc"
 * </pre>
 *
 * <p>Add {@code -w 1s -r 1s} for shorter iterations. The first argument is a regular expression
 * over benchmark names: {@code ChannelHotPathBenchmark.mailboxOfferPoll} runs one benchmark, and
 * {@code -p codec=bytes} restricts the parameter.
 *
 * <ul>
 *   <li>{@code channelSendReceive}: one thread does {@code send} then {@code receive} on one channel,
 *       a round trip through the mapped ring, in ns per message. Parameter {@code codec}: {@code bytes}
 *       is a {@code Channel<byte[]>} carrying a 64-byte array; {@code json} is a {@code Channel<String>}
 *       carrying a 62-character ASCII string (64 bytes of JSON with its quotes).</li>
 *   <li>{@code mailboxOfferPoll}: the same on the bare {@link MessageQueue} (offer then poll), the
 *       floor under the channel: what the channel adds is the difference.</li>
 *   <li>{@code channelThroughput}: one producer thread ({@code send}) and one consumer thread
 *       ({@code receive}) on one bytes channel, in messages per microsecond per thread. Both use the
 *       blocking calls with a short timeout, so a thread stranded at the end of an iteration (ring
 *       full or empty) notices that JMH stopped measuring.</li>
 * </ul>
 *
 * <p>Every state opens a fresh domain directory under {@code /dev/shm} (the temporary directory if
 * there is none) and deletes it when the trial ends.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChannelHotPathBenchmark {

    /** Payload length of every message, in bytes (JSON: including the two quotes). */
    static final int MESSAGE_BYTES = 64;
    /** Ring capacity of the channels and the mailbox: 1 MiB, the channel default. */
    static final int CAPACITY = 1 << 20;
    /** Largest message of the mailbox baseline, as a channel's default. */
    static final int MAX_MESSAGE = 65536;
    /** How long a group thread blocks before looking whether the iteration ended. */
    static final Duration GROUP_TIMEOUT = Duration.ofMillis(10);

    /** A channel used by one thread for send then receive. */
    @State(Scope.Thread)
    public static class ChannelState {

        /** {@code bytes}: {@code Channel<byte[]>}; {@code json}: {@code Channel<String>}. */
        @Param({"bytes", "json"})
        public String codec;

        Path directory;
        Comm comm;
        Channel<Object> channel;
        Object message;

        @Setup(Level.Trial)
        public void setUp() {
            directory = newDomainDirectory();
            comm = Comm.open(directory);
            switch (codec) {
                case "bytes":
                    channel = erase(comm.channel("bench-bytes", byte[].class));
                    message = newPayload();
                    break;
                case "json":
                    channel = erase(comm.channel("bench-json", String.class));
                    message = "x".repeat(MESSAGE_BYTES - 2);
                    break;
                default:
                    throw new IllegalArgumentException("unknown codec: " + codec);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (channel.size() != 0) {
                throw new IllegalStateException("messages left over: " + channel.size());
            }
            closeAndDelete(comm, directory);
        }
    }

    /** The bare mailbox under a bytes channel. */
    @State(Scope.Thread)
    public static class MailboxState {

        Path directory;
        MessageQueue queue;
        byte[] payload;

        @Setup(Level.Trial)
        public void setUp() {
            directory = newDomainDirectory();
            MailboxTransport transport = new MailboxTransport(DomainDirectory.open(directory));
            queue = transport.openOrCreate("bench-mailbox", new QueueSpec("bytes", CAPACITY, MAX_MESSAGE));
            payload = newPayload();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (queue.size() != 0) {
                throw new IllegalStateException("messages left over: " + queue.size());
            }
            queue.release();
            deleteRecursively(directory);
        }
    }

    /** One bytes channel shared by the producer and the consumer of a group. */
    @State(Scope.Group)
    public static class GroupState {

        Path directory;
        Comm comm;
        Channel<byte[]> channel;
        byte[] payload;

        @Setup(Level.Trial)
        public void setUp() {
            directory = newDomainDirectory();
            comm = Comm.open(directory);
            channel = comm.channel("bench-group", byte[].class);
            payload = newPayload();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            closeAndDelete(comm, directory);
        }
    }

    @Benchmark
    public Object channelSendReceive(ChannelState state) {
        state.channel.send(state.message);
        return state.channel.receive();
    }

    @Benchmark
    public byte[] mailboxOfferPoll(MailboxState state) {
        if (state.queue.offer(state.payload) != MessageQueue.OFFERED) {
            throw new IllegalStateException("offer refused");
        }
        return state.queue.poll();
    }

    @Benchmark
    @Group("channelThroughput")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public boolean producer(GroupState state, Control control) {
        while (!control.stopMeasurement) {
            if (state.channel.send(state.payload, GROUP_TIMEOUT)) {
                return true;
            }
        }
        return false;
    }

    @Benchmark
    @Group("channelThroughput")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public byte[] consumer(GroupState state, Control control) {
        while (!control.stopMeasurement) {
            Optional<byte[]> message = state.channel.receive(GROUP_TIMEOUT);
            if (message.isPresent()) {
                return message.get();
            }
        }
        return null;
    }

    static byte[] newPayload() {
        byte[] payload = new byte[MESSAGE_BYTES];
        Arrays.fill(payload, (byte) 'x');
        return payload;
    }

    @SuppressWarnings("unchecked")
    static <T> Channel<Object> erase(Channel<T> channel) {
        return (Channel<Object>) (Channel<?>) channel;
    }

    static Path newDomainDirectory() {
        Path shm = Path.of("/dev/shm");
        Path parent = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        try {
            // created with mode 0700, as a domain directory must be
            return Files.createTempDirectory(parent, "litecomm-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void closeAndDelete(Comm comm, Path directory) {
        try {
            if (comm != null) {
                comm.close();
            }
        } finally {
            deleteRecursively(directory);
        }
    }

    static void deleteRecursively(Path directory) {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
