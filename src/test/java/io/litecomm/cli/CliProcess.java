package io.litecomm.cli;

import io.litecomm.testing.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The litecomm tool run the way a user runs it: a separate JVM ({@code java -cp ...
 * io.litecomm.cli.LitecommCli ARGS}), standard output and error captured apart, destroyed on
 * {@link #close()} whatever happened.
 */
final class CliProcess implements AutoCloseable {

    /** How long a command that should finish by itself may take. */
    static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path out;
    private final Path err;
    private final String description;

    private CliProcess(Process process, Path out, Path err, String description) {
        this.process = process;
        this.out = out;
        this.err = err;
        this.description = description;
    }

    /**
     * The start of a command line running {@code java} quickly with a class path.
     *
     * @param classPath the class path
     * @return java and its options
     */
    static List<String> java(String classPath) {
        return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-Dslf4j.internal.verbosity=ERROR",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classPath));
    }

    /**
     * Starts the tool.
     *
     * @param logDir where its output files go
     * @param env extra environment variables
     * @param args its arguments
     * @return the running tool
     */
    static CliProcess start(Path logDir, Map<String, String> env, String... args) {
        List<String> command = java(System.getProperty("java.class.path"));
        command.add(LitecommCli.class.getName());
        command.addAll(Arrays.asList(args));
        return start(logDir, env, command, Path.of("").toAbsolutePath(), "litecomm " + String.join(" ", args));
    }

    /**
     * Starts any command with its output captured.
     *
     * @param logDir where its output files go
     * @param env extra environment variables
     * @param command the command
     * @param workingDirectory where it runs
     * @param description for messages
     * @return the running process
     */
    static CliProcess start(Path logDir, Map<String, String> env, List<String> command, Path workingDirectory,
                            String description) {
        try {
            Files.createDirectories(logDir);
            Path out = Files.createTempFile(logDir, "cli-", ".out");
            Path err = Files.createTempFile(logDir, "cli-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            process.getOutputStream().close();
            return new CliProcess(process, out, err, description);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start: " + command, e);
        }
    }

    /**
     * Runs the tool to completion.
     *
     * @param logDir where its output files go
     * @param args its arguments
     * @return exit status and output
     */
    static Result run(Path logDir, String... args) {
        return run(logDir, Map.of(), args);
    }

    /**
     * Runs the tool to completion with extra environment variables.
     *
     * @param logDir where its output files go
     * @param env extra environment
     * @param args its arguments
     * @return exit status and output
     */
    static Result run(Path logDir, Map<String, String> env, String... args) {
        try (CliProcess cli = start(logDir, env, args)) {
            return cli.awaitExit(EXIT_TIMEOUT);
        }
    }

    long pid() {
        return process.pid();
    }

    String out() {
        return read(out);
    }

    String err() {
        return read(err);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<cannot read " + file + ": " + e + ">";
        }
    }

    /** Waits until standard output contains {@code text}. */
    void awaitOut(String text, Duration timeout) {
        ChildJvm.Await.until(() -> out().contains(text), timeout, () -> "output never contained \"" + text + "\": "
                + describe());
    }

    /** Waits until standard error contains {@code text}. */
    void awaitErr(String text, Duration timeout) {
        ChildJvm.Await.until(() -> err().contains(text), timeout, () -> "standard error never contained \"" + text
                + "\": " + describe());
    }

    /**
     * Waits for the process to exit.
     *
     * @param timeout how long
     * @return its exit status and output
     * @throws AssertionError if it does not exit in time (it is then destroyed)
     */
    Result awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new AssertionError("did not exit within " + timeout + ": " + describe());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + description, e);
        }
        return new Result(process.exitValue(), out(), err(), description);
    }

    /** Sends a signal (e.g. {@code STOP}, {@code CONT}) to the process. */
    void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill -" + signal + " failed for " + description);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private String describe() {
        return description + " alive=" + process.isAlive() + "\n--- stdout ---\n" + out() + "--- stderr ---\n" + err();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A finished run.
     *
     * @param exit exit status
     * @param out standard output
     * @param err standard error
     * @param description the command, for messages
     */
    record Result(int exit, String out, String err, String description) {

        /** The lines of standard output. */
        List<String> lines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }

        /** Everything about the run, for assertion messages. */
        String describe() {
            return description + " exit=" + exit + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }
}
