package io.litecomm.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A child JVM for cross-process tests: same java, same class path, output to a file. Always
 * destroyed on {@link #close()}, so a failing test leaves no process behind.
 */
public final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final Path output;
    private final String description;

    private ChildJvm(Process process, Path output, String description) {
        this.process = process;
        this.output = output;
        this.description = description;
    }

    /**
     * Starts {@code mainClass} with {@code args} in a new JVM.
     *
     * @param logDir where the child's output file goes
     * @param mainClass class with a main method, on the test class path
     * @param args its arguments
     * @return the running child
     */
    public static ChildJvm start(Path logDir, Class<?> mainClass, String... args) {
        return start(logDir, Map.of(), mainClass, args);
    }

    /**
     * Starts {@code mainClass} with extra environment variables.
     *
     * @param logDir where the child's output file goes
     * @param env extra environment
     * @param mainClass class with a main method
     * @param args its arguments
     * @return the running child
     */
    public static ChildJvm start(Path logDir, Map<String, String> env, Class<?> mainClass, String... args) {
        return start(logDir, List.of(), env, mainClass, args);
    }

    /**
     * Starts {@code mainClass} under a wrapper command, such as {@code unshare --time ... --kill-child --}.
     * The wrapper must end the JVM when it is killed itself, as {@link #close()} kills the wrapper.
     *
     * @param logDir where the child's output file goes
     * @param wrapper the command and arguments that run the JVM command line after them
     * @param env extra environment
     * @param mainClass class with a main method
     * @param args its arguments
     * @return the running child
     */
    public static ChildJvm start(Path logDir, List<String> wrapper, Map<String, String> env, Class<?> mainClass,
            String... args) {
        List<String> command = new ArrayList<>(wrapper);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-Xshare:auto");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        try {
            Files.createDirectories(logDir);
            Path out = Files.createTempFile(logDir, mainClass.getSimpleName() + "-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            builder.environment().putAll(env);
            return new ChildJvm(builder.start(), out, mainClass.getSimpleName() + " " + String.join(" ", args));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start child JVM: " + command, e);
        }
    }

    /**
     * The child's process.
     *
     * @return the process
     */
    public Process process() {
        return process;
    }

    /**
     * Everything the child printed so far.
     *
     * @return its output
     */
    public String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<cannot read " + output + ": " + e + ">";
        }
    }

    /**
     * Waits for the child to exit and returns its exit code.
     *
     * @param timeout how long to wait
     * @return the exit code
     * @throws AssertionError if it does not exit in time (the child is then destroyed)
     */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("child did not exit within " + timeout + ": " + description
                        + "\n--- output ---\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + description, e);
        }
        return process.exitValue();
    }

    /**
     * Waits for a successful exit, failing with the child's output otherwise.
     *
     * @param timeout how long to wait
     */
    public void awaitSuccess(Duration timeout) {
        int code = awaitExit(timeout);
        if (code != 0) {
            throw new AssertionError("child exited with " + code + ": " + description + "\n--- output ---\n" + output());
        }
    }

    /**
     * Waits until the child's output contains {@code text}.
     *
     * @param text what to wait for
     * @param timeout how long
     */
    public void awaitOutput(String text, Duration timeout) {
        Await.until(() -> output().contains(text) || !process.isAlive() && output().contains(text),
                timeout, () -> "child output never contained \"" + text + "\": " + description
                        + " alive=" + process.isAlive() + "\n--- output ---\n" + output());
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
     * In a child JVM: halts it when the parent closes the child's standard input or dies, so a
     * test JVM that is killed leaves no child behind.
     */
    public static void haltWhenParentGone() {
        Thread watcher = new Thread(() -> {
            try {
                java.io.InputStream in = System.in;
                while (in.read() >= 0) {
                    // keep reading until end of file
                }
            } catch (IOException e) {
                // treat as end of file
            }
            Runtime.getRuntime().halt(97);
        }, "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Polls a condition with a deadline: the tests' replacement for sleeping. */
    public static final class Await {
        private Await() {
        }

        /**
         * Waits until {@code condition} holds.
         *
         * @param condition what to wait for
         * @param timeout how long
         * @param message describes the failure
         */
        public static void until(BooleanSupplier condition, Duration timeout, java.util.function.Supplier<String> message) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError(message.get());
                }
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
            }
        }
    }
}
