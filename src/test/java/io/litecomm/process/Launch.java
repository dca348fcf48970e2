package io.litecomm.process;

import io.litecomm.testing.ChildJvm;
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
 * A JVM started with an exact command line (a class path without a provider, a module path, the
 * source launcher), stdout and stderr in separate files. {@link #close()} destroys it and every
 * descendant, so a failing test leaves no process behind.
 */
final class Launch implements AutoCloseable {

    private final Process process;
    private final Path out;
    private final Path err;
    private final List<String> command;

    private Launch(Process process, Path out, Path err, List<String> command) {
        this.process = process;
        this.out = out;
        this.err = err;
        this.command = command;
    }

    static Launch start(Path dir, Map<String, String> env, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Xshare:auto");
        command.addAll(args);
        try {
            Files.createDirectories(dir);
            Path out = Files.createTempFile(dir, "out-", ".log");
            Path err = Files.createTempFile(dir, "err-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(env);
            return new Launch(builder.start(), out, err, command);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start: " + command, e);
        }
    }

    /** The test JVM's class path entries that match. */
    static List<String> classPath(Predicate<String> keep) {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> !p.isEmpty()).filter(keep).collect(Collectors.toList());
    }

    /** The test class path without any SLF4J provider: a user application with no binding. */
    static String classPathWithoutProvider() {
        return String.join(File.pathSeparator, classPath(p -> !fileName(p).startsWith("slf4j-simple")
                && !fileName(p).startsWith("slf4j-nop") && !fileName(p).startsWith("logback")));
    }

    static String fileName(String path) {
        return Path.of(path).getFileName().toString();
    }

    String stdout() {
        return read(out);
    }

    String stderr() {
        return read(err);
    }

    String output() {
        return "--- command ---\n" + String.join(" ", command) + "\n--- stdout ---\n" + stdout() + "\n--- stderr ---\n"
                + stderr();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<cannot read " + file + ": " + e + ">";
        }
    }

    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new AssertionError("did not exit within " + timeout + "\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return process.exitValue();
    }

    void awaitStdout(String text, Duration timeout) {
        ChildJvm.Await.until(() -> stdout().contains(text), timeout,
                () -> "never printed \"" + text + "\" alive=" + process.isAlive() + "\n" + output());
    }

    Process process() {
        return process;
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
