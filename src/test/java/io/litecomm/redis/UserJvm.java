package io.litecomm.redis;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A JVM started the way a user starts an application (an exact class path or module path), output
 * to a file. Its standard input stays open while it runs (a child that halts when its parent is
 * gone keeps running); {@link #close()} destroys it and its descendants.
 */
final class UserJvm implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final List<String> command;

    private UserJvm(Process process, Path log, List<String> command) {
        this.process = process;
        this.log = log;
        this.command = command;
    }

    /**
     * Starts {@code java args...}.
     *
     * @param dir where the output file goes
     * @param env extra environment
     * @param args the arguments after {@code java}
     * @return the running JVM
     */
    static UserJvm start(Path dir, Map<String, String> env, List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:TieredStopAtLevel=1", "-Xshare:auto"));
        command.addAll(args);
        try {
            Files.createDirectories(dir);
            Path log = Files.createTempFile(dir, "jvm-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(env);
            return new UserJvm(builder.start(), log, command);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start: " + command, e);
        }
    }

    /** This test JVM's class path entries whose file name passes {@code keep}. */
    static List<String> classPath(Predicate<String> keep) {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> !p.isEmpty()).filter(p -> keep.test(fileName(p))).collect(Collectors.toList());
    }

    static String fileName(String path) {
        return Path.of(path).getFileName().toString();
    }

    /** Everything it printed so far. */
    String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<cannot read " + log + ": " + e + ">";
        }
    }

    /** The command line and the output, for a failure message. */
    String describe() {
        return "--- command ---\n" + String.join(" ", command) + "\n--- output ---\n" + output();
    }

    /**
     * Waits for its exit.
     *
     * @param timeout how long
     * @return the exit code
     * @throws AssertionError if it is still running after {@code timeout} (it is then destroyed)
     */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new AssertionError("did not exit within " + timeout + "\n" + describe());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
