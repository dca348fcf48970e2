package io.litecomm.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM with JVM arguments of the test's choosing (a heap limit, class-load logging), which
 * {@code ChildJvm} does not take. Output goes to a file; always destroyed on {@link #close()}.
 */
final class JvmWithArgs implements AutoCloseable {

    private final Process process;
    private final Path output;
    private final String description;

    private JvmWithArgs(Process process, Path output, String description) {
        this.process = process;
        this.output = output;
        this.description = description;
    }

    static JvmWithArgs start(Path logDir, List<String> jvmArgs, Class<?> main, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Xshare:auto");
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(List.of(args));
        try {
            Files.createDirectories(logDir);
            Path out = Files.createTempFile(logDir, main.getSimpleName() + "-", ".log");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            return new JvmWithArgs(process, out, String.join(" ", jvmArgs) + " " + main.getSimpleName());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start child JVM: " + command, e);
        }
    }

    Process process() {
        return process;
    }

    String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<cannot read " + output + ": " + e + ">";
        }
    }

    /** Waits for exit status 0, failing with the child's output otherwise. */
    void awaitSuccess(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("child did not exit within " + timeout + ": " + description + "\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + description, e);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("child exited with " + process.exitValue() + ": " + description + "\n" + output());
        }
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
}
