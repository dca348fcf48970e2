package io.litecomm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.SharedMemory;
import io.litecomm.testing.ChildJvm;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reader that stops early ({@code litecomm kv ls | head -1}): every command that prints lines
 * stops writing quietly and exits with 0. The tool runs as a real process whose standard output is
 * a pipe; the test reads one line, closes its end, and makes sure the tool has more to write.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliClosedPipeTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Far more than a pipe buffer (64 KiB on Linux) plus the line the test reads. */
    private static final int LARGE_OUTPUT = 400 * 1024;

    @TempDir
    Path root;

    private Path domain;
    private Path logs;

    @BeforeEach
    void createDomain() throws IOException {
        domain = Files.createDirectory(root.resolve("domain"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        logs = Files.createDirectory(root.resolve("logs"));
    }

    @Test
    void kvLsStopsQuietlyWhenItsReaderIsGone() {
        try (Comm comm = Comm.open(domain)) {
            SharedMemory memory = comm.sharedMemory();
            for (int i = 0; i < 4; i++) {
                memory.set("key-" + i, "v".repeat(LARGE_OUTPUT / 4));
            }
        }
        assertStopsQuietly(List.of("kv", "ls"), line -> line.startsWith("key-0\t\"vvv"), () -> { });
    }

    @Test
    void lsStopsQuietlyWhenItsReaderIsGone() {
        String name = "c".repeat(200);
        try (Comm comm = Comm.open(domain)) {
            comm.channel(name, String.class);
        }
        List<String> args = new ArrayList<>(List.of("ls"));
        args.addAll(Collections.nCopies(LARGE_OUTPUT / 200 / 2, name)); // one table row per name given
        assertStopsQuietly(args, line -> line.startsWith("NAME "), () -> { });
    }

    @Test
    void recvStopsQuietlyWhenItsReaderIsGone() {
        try (Comm comm = Comm.open(domain)) {
            Channel<String> jobs = comm.channel("jobs", String.class);
            jobs.send("first");
            assertStopsQuietly(List.of("recv", "jobs", "--count", "5"), "\"first\""::equals, () -> jobs.send("second"));
        }
    }

    @Test
    void tailStopsQuietlyWhenItsReaderIsGone() {
        try (Comm comm = Comm.open(domain)) {
            Channel<String> jobs = comm.channel("jobs", String.class);
            jobs.send("first");
            assertStopsQuietly(List.of("tail", "jobs"), "\"first\""::equals, () -> jobs.send("second"));
        }
    }

    @Test
    void subStopsQuietlyWhenItsReaderIsGone() {
        try (Comm comm = Comm.open(domain)) {
            SharedMemory memory = comm.sharedMemory();
            List<String> args = List.of("sub", "news");
            Runnable publishAfterSubscribed = () -> memory.publish("news", "first");
            assertStopsQuietly(args, "\"first\""::equals, () -> memory.publish("news", "second"), publishAfterSubscribed);
        }
    }

    private void assertStopsQuietly(List<String> args, java.util.function.Predicate<String> firstLine, Runnable more) {
        assertStopsQuietly(args, firstLine, more, null);
    }

    /**
     * Runs the tool with its output on a pipe, reads one line, closes the pipe, runs {@code more}
     * (which gives a following command something new to print), and expects exit status 0 and no
     * error. {@code subscribed}, if given, runs once the tool said on standard error that it subscribed.
     */
    private void assertStopsQuietly(List<String> args, java.util.function.Predicate<String> firstLine, Runnable more,
                                    Runnable subscribed) {
        List<String> command = CliProcess.java(System.getProperty("java.class.path"));
        command.add(LitecommCli.class.getName());
        command.addAll(List.of("--dir", domain.toString()));
        command.addAll(args);
        Path err = logs.resolve(args.get(0) + "-" + args.size() + ".err");
        Process process;
        try {
            process = new ProcessBuilder(command).redirectError(err.toFile()).start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start: litecomm " + args.get(0), e);
        }
        String description = "litecomm " + args.get(0) + " " + args.get(1).substring(0, Math.min(20, args.get(1).length()));
        try {
            if (subscribed != null) {
                ChildJvm.Await.until(() -> read(err).contains("subscribed to topic"), WAIT,
                        () -> description + " never subscribed: " + read(err));
                subscribed.run();
            }
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = readLine(out, description, err);
            assertTrue(line != null && firstLine.test(line), () -> description + " printed first: "
                    + (line == null ? null : line.substring(0, Math.min(80, line.length()))) + "\n" + read(err));
            out.close();
            more.run();
            assertTrue(process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS), () -> description
                    + " kept running after its reader went away: " + read(err));
            assertEquals(LitecommCli.OK, process.exitValue(), () -> description + " exit status; stderr: " + read(err));
            String errors = read(err).replaceAll("litecomm: sub: subscribed to topic [^\n]*\n", "");
            assertEquals("", errors, description + " wrote to standard error");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            process.destroyForcibly();
        }
    }

    /** One line, or a failure if none comes in time (the process is then destroyed, which ends the read). */
    private static String readLine(BufferedReader out, String description, Path err) throws InterruptedException {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            return line.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(description + " printed no line in " + WAIT + ": " + read(err));
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError(description + " output unreadable", e.getCause());
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "<cannot read " + file + ": " + e + ">";
        }
    }
}
