package io.litecomm.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.mapped.mailbox.HalfWriter;
import io.litecomm.testing.ChildJvm.Await;
import io.litecomm.testing.ChildJvm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY #5, clock jump: the wall clock of the receiving process is moved by +1 h and then
 * by -2 h (to -1 h) while it decides whether a producer is alive, and no decision changes: only
 * {@code System.nanoTime()} and the OS's {@code FileLock}s decide.
 *
 * <p>The jump is real, not simulated in the library: the child JVMs run with {@code libfaketime}
 * preloaded and read their offset from a file the test rewrites ({@code FAKETIME_TIMESTAMP_FILE}),
 * and each jump is confirmed by asking the child for {@code currentTimeMillis()}. The receiver also
 * runs in its own time namespace ({@code unshare --time}) whose monotonic clock is a day ahead of
 * the producer's, so any comparison of {@code nanoTime} values across processes would fail too.
 * {@code .ci/run} installs {@code libfaketime}; without it (or without the right to create a time
 * namespace) the test is skipped with the reason, except under {@code CI=true}, where it fails.
 *
 * <p>Proved: a live producer stalled between claim and commit is never recovered however the clock
 * jumps (its message is delivered once when it resumes); a dead producer's claim is recovered within
 * the bound whatever the clock did; {@code receive(Duration)} lasts its duration across jumps; and no
 * class of the library except the informational creation stamp and the CLI's display reads the wall
 * clock at all ({@link #onlyInformationalCodeReadsTheWallClock()}).
 */
@Timeout(300)
class ClockJumpTest {

    static final Path FAKETIME = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");
    /** Recovery bound of the receiver. */
    static final Duration BOUND = Duration.ofMillis(300);
    /** One hour, the size of the jumps. */
    static final long HOUR_MILLIS = TimeUnit.HOURS.toMillis(1);
    /** The library's classes allowed to read the wall clock: informational stamps and display only. */
    static final Set<String> WALL_CLOCK_READERS_ALLOWED = Set.of(
            "io/litecomm/mapped/inspect/MailboxFile", // the creation stamp of the header, shown by `litecomm ls`
            "io/litecomm/cli/StatCommand", // the time printed above each `litecomm stat` report
            "io/litecomm/cli/ApiStat"); // the same, on a domain the CLI reads through the public API (redis://)
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long RECEIVE_MILLIS = BOUND.multipliedBy(10).toMillis();

    private static List<String> timeNamespace;

    @TempDir
    Path dir;

    @BeforeAll
    static void needsFaketime() {
        boolean ci = "true".equals(System.getenv("CI"));
        if (!Files.isReadable(FAKETIME)) {
            assertTrue(!ci, "CI must have libfaketime (.ci/run installs it): missing " + FAKETIME);
            assumeTrue(false, "libfaketime is not installed (apt-get install libfaketime): " + FAKETIME);
        }
        List<String> unshare = List.of("unshare", "--time", "--monotonic", "86400", "--boottime", "86400", "--kill-child", "--");
        timeNamespace = works(unshare) ? unshare : List.of();
        assertTrue(!ci || !timeNamespace.isEmpty(), "CI runs as root and must be able to create a time namespace");
    }

    /**
     * libfaketime keeps a little shared memory per process in {@code /dev/shm}, removed at a normal
     * exit only; children killed by the test leave it behind, so it is removed once they are gone.
     */
    @AfterEach
    void removeFaketimeLeftovers() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("/dev/shm"))) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.matches("(faketime_shm_|sem\\.faketime_sem_)\\d+")) {
                    long pid = Long.parseLong(name.replaceAll("\\D", ""));
                    if (ProcessHandle.of(pid).isEmpty()) {
                        Files.deleteIfExists(file);
                    }
                }
            }
        }
    }

    private static boolean works(List<String> wrapper) {
        List<String> command = new ArrayList<>(wrapper);
        command.add("true");
        try {
            Process probe = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The environment that puts a child's wall clock under the control of {@code clock}. */
    private static Map<String, String> fakeClock(Path clock) {
        return Map.of("LD_PRELOAD", FAKETIME.toString(), "FAKETIME_TIMESTAMP_FILE", clock.toString(),
                "FAKETIME_CACHE_DURATION", "1", "FAKETIME_DONT_FAKE_MONOTONIC", "1", "FAKETIME_DISABLE_SHM", "1");
    }

    private static void setClock(Path clock, String offset) {
        try {
            Files.writeString(clock, offset + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Talks to a {@link ClockJumpReceiver}. */
    private static final class Receiver {
        private final ChildJvm child;
        private int sequence;

        Receiver(ChildJvm child) {
            this.child = child;
            child.awaitOutput("READY", WAIT);
        }

        /** Sends a command and returns its answer, without the sequence number. */
        String ask(String command) {
            String prefix = ++sequence + " ";
            ReliabilitySupport.tell(child, command);
            Await.until(() -> ("\n" + child.output()).contains("\n" + prefix) || !child.process().isAlive(), WAIT,
                    () -> "no answer to " + command + "\n" + child.output());
            String answer = ReliabilitySupport.lineAfter(child, prefix);
            assertTrue(answer != null, () -> "the receiver died: " + child.output());
            return answer;
        }

        /** The receiver's wall clock minus this process's, in milliseconds. */
        long clockOffset() {
            long before = System.currentTimeMillis();
            long theirs = Long.parseLong(ask("wall").substring("WALL ".length()));
            return theirs - (before + System.currentTimeMillis()) / 2;
        }

        /** Moves the receiver's clock and waits until it has really moved. */
        void jump(Path clock, String offset, long expectedMillis) {
            setClock(clock, offset);
            Await.until(() -> Math.abs(clockOffset() - expectedMillis) < 60_000, WAIT,
                    () -> "the receiver's wall clock never moved to " + offset + ": offset " + clockOffset() + " ms");
        }

        /** {@code receive(RECEIVE_MILLIS)} that must come back empty after its full duration, measured here. */
        void receivesNothingForTheWholeTimeout() {
            long start = System.nanoTime();
            String answer = ask("recv " + RECEIVE_MILLIS);
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            assertTrue(answer.startsWith("EMPTY "), () -> "a live producer's claim was skipped: " + answer);
            long theirs = Long.parseLong(answer.substring("EMPTY ".length()));
            assertTrue(theirs >= RECEIVE_MILLIS && elapsed >= RECEIVE_MILLIS - 50,
                    "receive(" + RECEIVE_MILLIS + " ms) ended early: receiver " + theirs + " ms, here " + elapsed + " ms");
        }

        void receives(int first) {
            String answer = ask("recv " + WAIT.toMillis());
            assertTrue(answer.startsWith("RECV " + first + " "), () -> "expected message " + first + ", got " + answer);
        }
    }

    @Test
    void aLiveProducerIsNeverRecoveredWhateverTheWallClockDoes() {
        Path domain = dir.resolve("d");
        Path writerClock = dir.resolve("writer.clock");
        Path receiverClock = dir.resolve("receiver.clock");
        setClock(writerClock, "+0");
        setClock(receiverClock, "+0");
        Path logs = dir.resolve("logs");
        try (ChildJvm writer = ChildJvm.start(logs, fakeClock(writerClock), HalfWriter.class, domain.toString(), "jump", "2",
                "stall");
             ChildJvm receiving = ChildJvm.start(logs, timeNamespace, fakeClock(receiverClock), ClockJumpReceiver.class,
                     domain.toString(), "jump", Long.toString(BOUND.toMillis()));
             Comm comm = Comm.open(domain)) {
            writer.awaitOutput("claimed", WAIT);
            Receiver receiver = new Receiver(receiving);
            receiver.receives(0);
            receiver.receives(1);
            Channel<byte[]> channel = comm.channel("jump", byte[].class, ClockJumpReceiver.OPTIONS);
            byte[] behind = new byte[100];
            Arrays.fill(behind, (byte) 9);
            channel.send(behind);

            setClock(writerClock, "+1h");
            receiver.jump(receiverClock, "+1h", HOUR_MILLIS);
            receiver.receivesNothingForTheWholeTimeout();
            setClock(writerClock, "-1h");
            receiver.jump(receiverClock, "-1h", -HOUR_MILLIS);
            receiver.receivesNothingForTheWholeTimeout();

            ReliabilitySupport.tell(writer, "go");
            writer.awaitOutput("committed", WAIT);
            receiver.receives(2);
            receiver.receives(9);
            String after = receiver.ask("recv " + BOUND.toMillis());
            assertTrue(after.startsWith("EMPTY "), "delivered more than once: " + after);
            System.out.println("RELIABILITY #5 live producer: not recovered across +1 h and -2 h jumps, receive("
                    + RECEIVE_MILLIS + " ms) kept its duration, time namespace=" + !timeNamespace.isEmpty());
            ReliabilitySupport.tell(writer, "done");
        }
    }

    @Test
    void aDeadProducerIsRecoveredWithinTheBoundWhateverTheWallClockDoes() {
        Path domain = dir.resolve("d");
        Path receiverClock = dir.resolve("receiver.clock");
        setClock(receiverClock, "+0");
        Path logs = dir.resolve("logs");
        try (ChildJvm writer = ChildJvm.start(logs, HalfWriter.class, domain.toString(), "dead", "1", "die");
             ChildJvm receiving = ChildJvm.start(logs, timeNamespace, fakeClock(receiverClock), ClockJumpReceiver.class,
                     domain.toString(), "dead", Long.toString(BOUND.toMillis()));
             Comm comm = Comm.open(domain)) {
            writer.awaitOutput("claimed", WAIT);
            writer.awaitExit(WAIT);
            Receiver receiver = new Receiver(receiving);
            receiver.receives(0);
            receiver.jump(receiverClock, "-1h", -HOUR_MILLIS);
            byte[] behind = new byte[100];
            Arrays.fill(behind, (byte) 9);
            comm.channel("dead", byte[].class, ClockJumpReceiver.OPTIONS).send(behind);
            long start = System.nanoTime();
            receiver.receives(9);
            long elapsed = (System.nanoTime() - start) / 1_000_000;
            // the bound plus generous room for a loaded machine; a wall-clock deadline would wait an hour
            assertTrue(elapsed < BOUND.toMillis() + 10_000, "recovery took " + elapsed + " ms after a backward jump");
            receiver.jump(receiverClock, "+1h", HOUR_MILLIS);
            String after = receiver.ask("recv " + BOUND.toMillis());
            assertTrue(after.startsWith("EMPTY "), "the dead producer's record was delivered: " + after);
            System.out.println("RELIABILITY #5 dead producer: recovered " + elapsed + " ms after a -1 h jump, time namespace="
                    + !timeNamespace.isEmpty());
        }
    }

    @Test
    void onlyInformationalCodeReadsTheWallClock() throws URISyntaxException, IOException {
        Path classes = Path.of(Comm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(p -> p.toString().endsWith(".class")).map(Path::toString).sorted().toList();
        }
        assertTrue(files.size() > 50, "too few classes under " + classes);
        List<String> arguments = new ArrayList<>(List.of("-c", "-p"));
        arguments.addAll(files);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ToolProvider.findFirst("javap").orElseThrow().run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), arguments.toArray(String[]::new));
        assertEquals(0, code, () -> err.toString(StandardCharsets.UTF_8));
        List<String> wallClock = List.of("java/lang/System.currentTimeMillis", "java/time/Instant.now", "java/time/Clock.",
                "java/util/Date.\"<init>\"", "java/time/LocalDateTime.now", "java/time/ZonedDateTime.now",
                "java/time/OffsetDateTime.now", "java/time/LocalDate.now", "java/time/LocalTime.now");
        Set<String> readers = new TreeSet<>();
        String current = null;
        int calls = 0;
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("Compiled from ")) {
                current = null;
            } else if (current == null && (line.contains(" class ") || line.contains(" interface ") || line.startsWith("class ")
                    || line.startsWith("interface ") || line.contains("enum ") || line.contains(" record "))) {
                String[] words = line.replace('{', ' ').trim().split("\\s+");
                for (int i = 0; i < words.length - 1; i++) {
                    if (Set.of("class", "interface", "enum", "record").contains(words[i])) {
                        current = words[i + 1].replaceAll("<.*", "").replace('.', '/');
                        break;
                    }
                }
            } else if (current != null && (line.contains("// Method") || line.contains("// InterfaceMethod"))) {
                for (String api : wallClock) {
                    if (line.contains(api)) {
                        readers.add(current.replaceAll("\\$.*", ""));
                        calls++;
                    }
                }
            }
        }
        Set<String> unexpected = new TreeSet<>(readers);
        unexpected.removeAll(WALL_CLOCK_READERS_ALLOWED);
        assertTrue(unexpected.isEmpty(), "wall-clock reads outside the informational allow-list: " + unexpected);
        // the scan must find the one known reader, or it is not scanning anything
        assertTrue(readers.contains("io/litecomm/mapped/inspect/MailboxFile"), "the scan missed MailboxFile's stamp: " + readers
                + " (" + calls + " calls)");
    }
}
