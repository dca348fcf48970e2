package io.litecomm.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Child-side plumbing of the reliability suite: commands arrive as lines on standard input, status
 * goes out as lines on standard output, and the child halts when its standard input reaches end of
 * file, so a test JVM that dies leaves no child behind.
 */
final class ChildSupport {

    /** How long a child waits for anything before giving up. */
    static final Duration WAIT = Duration.ofSeconds(120);

    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ChildSupport() {
    }

    /**
     * Starts reading commands; halts the JVM (status 97) at end of input.
     *
     * @return the command source
     */
    static ChildSupport watchParent() {
        ChildSupport support = new ChildSupport();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    support.lines.add(line.trim());
                }
            } catch (IOException e) {
                // treated as end of input
            }
            Runtime.getRuntime().halt(97);
        }, "parent-watch");
        reader.setDaemon(true);
        reader.start();
        return support;
    }

    /**
     * The next command.
     *
     * @return the line
     * @throws IllegalStateException if none arrives in time
     */
    String next() {
        try {
            String line = lines.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                throw new IllegalStateException("no command from the parent within " + WAIT);
            }
            return line;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for a command", e);
        }
    }

    /**
     * Waits for a given command.
     *
     * @param command the expected line
     */
    void expect(String command) {
        String line = next();
        if (!command.equals(line)) {
            throw new IllegalStateException("expected command " + command + " but got " + line);
        }
    }

    /**
     * A command if one is waiting.
     *
     * @return the line, or {@code null}
     */
    String poll() {
        return lines.poll();
    }

    /**
     * Prints a status line and flushes it.
     *
     * @param line the line
     */
    static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    /**
     * Polls a condition with a deadline.
     *
     * @param condition what to wait for
     * @param what names it in the failure
     */
    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            LockSupport.parkNanos(100_000);
        }
    }

    /**
     * Fails the child.
     *
     * @param condition must hold
     * @param message describes the failure
     */
    static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException("check failed: " + message);
        }
    }
}
