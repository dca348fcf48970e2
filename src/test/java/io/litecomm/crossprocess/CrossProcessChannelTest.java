package io.litecomm.crossprocess;

import static io.litecomm.crossprocess.XprocChild.message;
import static io.litecomm.crossprocess.XprocChild.producerOf;
import static io.litecomm.crossprocess.XprocChild.seqOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.litecomm.Channel;
import io.litecomm.ChannelClosedException;
import io.litecomm.ChannelOptions;
import io.litecomm.ChannelTypeException;
import io.litecomm.Comm;
import io.litecomm.Select;
import io.litecomm.Selected;
import io.litecomm.testing.ChildJvm;
import io.litecomm.testing.ChildJvm.Await;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Channel semantics across real processes: every test starts child JVMs ({@link XprocChild}) on a
 * domain in a temporary directory and checks what they and this JVM observe.
 */
@Timeout(120)
class CrossProcessChannelTest {

    private static final Duration START = Duration.ofSeconds(40);
    private static final Duration EXIT = Duration.ofSeconds(60);
    private static final String CLOSED = ChannelClosedException.class.getName();
    private static final ChannelOptions SMALL = ChannelOptions.builder().capacity(4096).maxMessageSize(256).build();

    @TempDir
    Path tmp;

    private Path domain;
    private Path logs;

    @BeforeEach
    void paths() {
        domain = tmp.resolve("domain");
        logs = tmp.resolve("logs");
    }

    private ChildJvm child(String role, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = role;
        all[1] = domain.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return ChildJvm.start(logs, XprocChild.class, all);
    }

    // ---------------------------------------------------------------- 1. many producers, many consumers

    @Test
    @Timeout(120)
    void threeProducersTwoConsumersReceiveEveryMessageExactlyOnceInProducerOrder() throws IOException {
        int perProducer = 20_000;
        String count = Integer.toString(perProducer);
        Path out1 = tmp.resolve("consumer-1.bin");
        Path out2 = tmp.resolve("consumer-2.bin");
        try (Comm comm = Comm.open(domain)) {
            Channel<byte[]> work = comm.channel("work", byte[].class);
            try (ChildJvm c1 = child("consumer", "work", out1.toString());
                    ChildJvm c2 = child("consumer", "work", out2.toString())) {
                c1.awaitOutput("READY", START);
                c2.awaitOutput("READY", START);
                try (ChildJvm p0 = child("producer", "work", "0", count);
                        ChildJvm p1 = child("producer", "work", "1", count);
                        ChildJvm p2 = child("producer", "work", "2", count)) {
                    p0.awaitSuccess(EXIT);
                    p1.awaitSuccess(EXIT);
                    p2.awaitSuccess(EXIT);
                }
                // every data message is now ahead of the two pills: each consumer stops at one
                work.send(XprocChild.STOP);
                work.send(XprocChild.STOP);
                c1.awaitSuccess(EXIT);
                c2.awaitSuccess(EXIT);
            }
            assertEquals(0, work.size(), "messages left in the channel");
        }
        List<int[]> first = readPairs(out1);
        List<int[]> second = readPairs(out2);
        assertFalse(first.isEmpty(), "consumer 1 received nothing");
        assertFalse(second.isEmpty(), "consumer 2 received nothing");
        BitSet[] seen = {new BitSet(perProducer), new BitSet(perProducer), new BitSet(perProducer)};
        checkConsumer("consumer 1", first, seen, perProducer);
        checkConsumer("consumer 2", second, seen, perProducer);
        for (int p = 0; p < seen.length; p++) {
            assertEquals(perProducer, seen[p].cardinality(), "lost messages of producer " + p
                    + ": first missing seq=" + seen[p].nextClearBit(0));
        }
        assertEquals(3 * perProducer, first.size() + second.size());
    }

    private static List<int[]> readPairs(Path file) throws IOException {
        List<int[]> pairs = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            while (true) {
                int producer;
                try {
                    producer = in.readInt();
                } catch (EOFException end) {
                    return pairs;
                }
                pairs.add(new int[] {producer, in.readInt()});
            }
        }
    }

    /** No duplicates across consumers, and each producer's sequence strictly increasing here. */
    private static void checkConsumer(String who, List<int[]> received, BitSet[] seen, int perProducer) {
        int[] last = new int[seen.length];
        Arrays.fill(last, -1);
        for (int i = 0; i < received.size(); i++) {
            int producer = received.get(i)[0];
            int seq = received.get(i)[1];
            assertTrue(producer >= 0 && producer < seen.length && seq >= 0 && seq < perProducer,
                    who + " received a message that was never sent: producer=" + producer + " seq=" + seq);
            assertFalse(seen[producer].get(seq), who + " received a duplicate: producer=" + producer + " seq=" + seq);
            seen[producer].set(seq);
            assertTrue(seq > last[producer], who + " broke FIFO of producer " + producer + " at index " + i
                    + ": seq " + seq + " after " + last[producer]);
            last[producer] = seq;
        }
    }

    // ---------------------------------------------------------------- 2. backpressure

    @Test
    @Timeout(90)
    void sendBlocksWhileFullAndResumesWhenAnotherProcessReceives() throws Exception {
        try (Comm comm = Comm.open(domain)) {
            Channel<byte[]> small = comm.channel("small", byte[].class, SMALL);
            int full = fill(small, 0);
            assertTrue(full >= 16, "a 4 KiB channel should hold more than " + full + " 8-byte messages");
            assertFalse(small.trySend(message(0, full)), "trySend on a full channel");
            assertFalse(small.send(message(0, full), Duration.ofMillis(200)), "timed send on a full channel");
            assertEquals(full, small.size());

            // this process blocks in send; a child takes three messages; the send resumes
            CompletableFuture<Void> sent = new CompletableFuture<>();
            Thread sender = new Thread(() -> {
                try {
                    small.send(message(0, full));
                    sent.complete(null);
                } catch (Throwable t) {
                    sent.completeExceptionally(t);
                }
            }, "blocked-sender");
            sender.setDaemon(true);
            sender.start();
            Await.until(() -> XprocChild.parkedInSend(sender), START, () -> "sender never blocked in send: state="
                    + sender.getState() + " done=" + sent.isDone());
            assertThrows(TimeoutException.class, () -> sent.get(300, TimeUnit.MILLISECONDS), "send did not block");
            assertFalse(small.trySend(message(0, full + 1)), "trySend while full and a sender is blocked");
            try (ChildJvm taker = child("taker", "small", "3")) {
                sent.get(START.toSeconds(), TimeUnit.SECONDS);
                taker.awaitSuccess(EXIT);
                assertTrue(taker.output().contains("TOOK 0 1 2"), taker.output());
            }
            assertEquals(full - 2, small.size());

            // the other way round: a child blocks in send; this process takes one; its send resumes
            assertTrue(small.trySend(message(0, full + 1)));
            assertTrue(small.trySend(message(0, full + 2)));
            assertFalse(small.trySend(message(0, full + 3)));
            try (ChildJvm blocked = child("blocked-sender", "small")) {
                blocked.awaitOutput("BLOCKED-IN-SEND", START);
                assertTrue(blocked.output().contains("TRYSEND false"), blocked.output());
                assertFalse(blocked.output().contains("SEND-RETURNED"), blocked.output());
                assertEquals(3, seqOf(small.receive()));
                blocked.awaitSuccess(EXIT);
                assertTrue(blocked.output().contains("SEND-RETURNED"), blocked.output());
                assertTrue(blocked.output().contains("TRYSEND-AFTER false"), blocked.output());
            }
            List<Integer> rest = new ArrayList<>();
            for (Optional<byte[]> m = small.tryReceive(); m.isPresent(); m = small.tryReceive()) {
                rest.add(producerOf(m.get()) == 9 ? -1 : seqOf(m.get()));
            }
            List<Integer> expected = new ArrayList<>();
            for (int seq = 4; seq <= full + 2; seq++) {
                expected.add(seq);
            }
            expected.add(-1);
            assertEquals(expected, rest, "FIFO order after both blocked sends");
        }
    }

    private static int fill(Channel<byte[]> channel, int producer) {
        int n = 0;
        while (channel.trySend(message(producer, n))) {
            n++;
            assertTrue(n <= 4096 / 16, "trySend never reported the channel full");
        }
        return n;
    }

    // ---------------------------------------------------------------- 3. close

    @Test
    @Timeout(120)
    void closeInOneProcessFailsSendsElsewhereAndLetsReceiversDrain() throws Exception {
        Path outReceive = tmp.resolve("receive.txt");
        Path outIterate = tmp.resolve("iterate.txt");
        Path outIdle = tmp.resolve("idle.txt");
        try (Comm comm = Comm.open(domain)) {
            Channel<byte[]> jobs = comm.channel("jobs", byte[].class, SMALL);
            int full = fill(jobs, 0);
            comm.channel("idle", byte[].class);
            try (ChildJvm blocked = child("blocked-sender", "jobs");
                    ChildJvm waiting = child("receiver", "idle", outIdle.toString(), "iterate")) {
                blocked.awaitOutput("BLOCKED-IN-SEND", START);
                waiting.awaitOutput("PARKED-IN-RECEIVE", START);
                try (ChildJvm closer = child("closer", "jobs", "idle")) {
                    closer.awaitSuccess(EXIT);
                    assertTrue(closer.output().contains("CLOSED jobs true"), closer.output());
                }
                waiting.awaitSuccess(EXIT);
                assertTrue(waiting.output().contains("ITERATION-ENDED"), "a waiting receiver must see the close\n"
                        + waiting.output());
                assertEquals(List.of(), Files.readAllLines(outIdle));
                blocked.awaitSuccess(EXIT);
                String out = blocked.output();
                assertTrue(out.contains("TRYSEND false"), out);
                assertTrue(out.contains("SEND-FAILED " + CLOSED), "blocked send must wake with ChannelClosedException\n"
                        + out);
                assertTrue(out.contains("TRYSEND-AFTER-FAILED " + CLOSED), out);
            }
            assertTrue(jobs.isClosed());
            assertThrows(ChannelClosedException.class, () -> jobs.send(message(0, -5)));
            assertThrows(ChannelClosedException.class, () -> jobs.trySend(message(0, -5)));
            assertThrows(ChannelClosedException.class, () -> jobs.send(message(0, -5), Duration.ofMillis(50)));
            assertEquals(full, jobs.size(), "close must not drop waiting messages");

            try (ChildJvm receiver = child("receiver", "jobs", outReceive.toString(), "receive");
                    ChildJvm iterator = child("receiver", "jobs", outIterate.toString(), "iterate")) {
                receiver.awaitSuccess(EXIT);
                iterator.awaitSuccess(EXIT);
                String r = receiver.output();
                assertTrue(r.contains("RECEIVE-THREW " + CLOSED), r);
                assertTrue(r.contains("TRY-RECEIVE-PRESENT false"), r);
                assertTrue(r.contains("TIMED-RECEIVE-PRESENT false"), r);
                String i = iterator.output();
                assertTrue(i.contains("ITERATION-ENDED"), i);
                assertTrue(i.contains("HASNEXT-AFTER-END false"), i);
            }
            BitSet seen = new BitSet(full);
            checkDrained("receive()", Files.readAllLines(outReceive), seen);
            checkDrained("iteration", Files.readAllLines(outIterate), seen);
            assertEquals(full, seen.cardinality(), "messages lost on close: first missing=" + seen.nextClearBit(0));
            assertEquals(0, jobs.size());
            assertEquals(Optional.empty(), jobs.tryReceive());
            assertThrows(ChannelClosedException.class, jobs::receive);
        }
    }

    private static void checkDrained(String who, List<String> lines, BitSet seen) {
        int last = -1;
        for (String line : lines) {
            String[] parts = line.split(" ");
            assertEquals("0", parts[0], who + " received a message sent after close: " + line);
            int seq = Integer.parseInt(parts[1]);
            assertFalse(seen.get(seq), who + " received a duplicate: " + seq);
            assertTrue(seq > last, who + " broke FIFO: " + seq + " after " + last);
            seen.set(seq);
            last = seq;
        }
    }

    // ---------------------------------------------------------------- 4. passive mode

    @Test
    @Timeout(90)
    void passiveHandlersInAChildRunFilteredInOrderAndModesDoNotMix() throws Exception {
        Path calls = tmp.resolve("calls.txt");
        try (Comm comm = Comm.open(domain)) {
            Channel<String> events = comm.channel("events", String.class);
            comm.channel("events-active", String.class);
            try (ChildJvm passive = child("passive", "events", "events-active", calls.toString())) {
                passive.awaitOutput("READY", START);
                checkModeErrors(passive.output());
                List<String> expected = new ArrayList<>();
                for (int i = 0; i < 600; i++) {
                    String body = (i % 3 == 0 ? "a" : "b") + i + (i % 5 == 0 ? "!" : "");
                    events.send(body);
                    if (body.startsWith("a")) {
                        expected.add("h1 " + body);
                    }
                    expected.add("h2 " + body);
                    if (body.endsWith("!")) {
                        expected.add("h3 " + body);
                    }
                }
                events.send("END");
                expected.add("h2 END");
                passive.awaitSuccess(EXIT);
                assertEquals(expected, Files.readAllLines(calls), "handler calls: filters, all handlers, order");
            }
            assertEquals(0, events.size(), "the passive child should have taken every message");
        }
    }

    private static void checkModeErrors(String output) {
        Map<String, String> results = new HashMap<>();
        Matcher m = Pattern.compile("^MIX (\\S+) (.*)$", Pattern.MULTILINE).matcher(output);
        while (m.find()) {
            results.put(m.group(1), m.group(2));
        }
        String ise = IllegalStateException.class.getName() + ": ";
        for (String call : List.of("passive-receive", "passive-timed-receive", "passive-try-receive",
                "passive-receive-async", "passive-iterator", "passive-select")) {
            String result = results.get(call);
            assertTrue(result != null && result.startsWith(ise), call + " after onReceive: " + result + "\n" + output);
            assertTrue(result.contains("in passive mode") && !result.contains("in active mode"),
                    call + ": the message must say passive mode is in use: " + result);
        }
        assertTrue(output.contains("ACTIVE-TRY-RECEIVE false"), output);
        for (String call : List.of("active-on-receive", "active-on-receive-filtered")) {
            String result = results.get(call);
            assertTrue(result != null && result.startsWith(ise), call + " after receive: " + result + "\n" + output);
            assertTrue(result.contains("in active mode") && !result.contains("in passive mode"),
                    call + ": the message must say active mode is in use: " + result);
        }
    }

    // ---------------------------------------------------------------- 5. types

    @Test
    @Timeout(60)
    void openingAnotherProcesssChannelWithAnIncompatibleTypeFailsAtOpen() throws Exception {
        try (Comm comm = Comm.open(domain)) {
            comm.channel("t-parent", Integer.class);
            try (ChildJvm creator = child("creator", "t-parent")) {
                creator.awaitSuccess(EXIT);
                assertTrue(creator.output().contains("CREATED"), creator.output());
                String reverse = creator.output().lines().filter(l -> l.startsWith("REVERSE-")).findFirst().orElse("");
                assertTrue(reverse.startsWith("REVERSE-CTE ") && reverse.contains("java.lang.Integer")
                        && reverse.contains("java.lang.String"), "child opening the parent's Integer channel as String: "
                        + reverse);
            }
            assertTypeError(() -> comm.channel("t-string", Integer.class), "java.lang.Integer", "java.lang.String");
            assertTypeError(() -> comm.channel("t-string", byte[].class), "bytes", "java.lang.String");
            assertTypeError(() -> comm.channel("t-bytes", String.class), "java.lang.String", "bytes");
            assertTypeError(() -> comm.channel("t-list", new TypeReference<List<String>>() { }),
                    "java.util.List<java.lang.String>", "java.util.List<java.lang.Integer>");
            assertTypeError(() -> comm.channel("t-string", new TypeReference<List<String>>() { }),
                    "java.util.List<java.lang.String>", "java.lang.String");

            // compatible opens still work and see what the other process sent
            assertEquals("hello", comm.channel("t-string", String.class).receive(Duration.ofSeconds(5)).orElseThrow());
            assertEquals(List.of(1, 2, 3), comm.channel("t-list", new TypeReference<List<Integer>>() { })
                    .receive(Duration.ofSeconds(5)).orElseThrow());
            assertEquals(2, comm.channel("t-bytes", byte[].class).receive(Duration.ofSeconds(5)).orElseThrow().length);
            assertEquals(Map.of("k", 42), comm.channel("t-any", new TypeReference<Map<String, Integer>>() { })
                    .receive(Duration.ofSeconds(5)).orElseThrow());
        }
    }

    private static void assertTypeError(Executable open, String requested,
            String recorded) {
        ChannelTypeException e = assertThrows(ChannelTypeException.class, open);
        assertTrue(e.getMessage().contains(requested) && e.getMessage().contains(recorded),
                "message must name both types " + requested + " and " + recorded + ": " + e.getMessage());
    }

    // ---------------------------------------------------------------- 6. select

    @Test
    @Timeout(90)
    void selectOverTwoBusyChannelsFedByTwoProcessesGetsEverythingOnceAndServesBoth() throws Exception {
        int perProducer = 10_000;
        String count = Integer.toString(perProducer);
        ChannelOptions options = ChannelOptions.builder().capacity(64 * 1024).maxMessageSize(256).build();
        try (Comm comm = Comm.open(domain)) {
            Channel<byte[]> a = comm.channel("sel-a", byte[].class, options);
            Channel<byte[]> b = comm.channel("sel-b", byte[].class, options);
            try (ChildJvm pa = child("producer", "sel-a", "0", count);
                    ChildJvm pb = child("producer", "sel-b", "1", count)) {
                Await.until(() -> a.size() >= 1000 && b.size() >= 1000, START, () -> "channels never both busy: a="
                        + a.size() + " b=" + b.size() + "\n" + pa.output() + "\n" + pb.output());
                Select<byte[]> select = Select.of(a, b);
                int[] next = new int[2];
                int[] early = new int[2];
                for (int i = 0; i < 2 * perProducer; i++) {
                    Selected<byte[]> got = select.receive(Duration.ofSeconds(20)).orElseThrow(() ->
                            new AssertionError("select returned nothing after " + (next[0] + next[1]) + " messages"));
                    int producer = producerOf(got.value());
                    assertEquals(producer == 0 ? "sel-a" : "sel-b", got.channel().name(), "message on the wrong channel");
                    assertEquals(next[producer], seqOf(got.value()), "lost, duplicated or reordered on "
                            + got.channel().name());
                    next[producer]++;
                    if (i < 200) {
                        early[producer]++;
                    }
                }
                assertTrue(early[0] >= 50 && early[1] >= 50, "select must serve both busy channels: first 200 took "
                        + early[0] + " from sel-a and " + early[1] + " from sel-b");
                pa.awaitSuccess(EXIT);
                pb.awaitSuccess(EXIT);
                assertEquals(Optional.empty(), select.tryReceive(), "select returned more than was sent");
                a.close();
                assertEquals(Optional.empty(), select.receive(Duration.ofMillis(50)));
                b.close();
                assertThrows(ChannelClosedException.class, select::receive);
            }
        }
    }
}
