package io.litecomm.bench.xproc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One child process: its output read line by line ({@code READY} and {@code RESULT} lines parsed,
 * the rest sent to the log), {@code GO} written to its input, killed with its descendants on
 * {@link #close()}.
 */
final class Launcher implements AutoCloseable {

    private final String label;
    private final Process process;
    private final CompletableFuture<Map<String, String>> ready = new CompletableFuture<>();
    private final Map<String, String> result = new ConcurrentHashMap<>();
    private final Deque<String> tail = new ArrayDeque<>();
    private final Thread reader;
    private volatile double cpuMs;

    private Launcher(String label, Process process, PrintWriter log) {
        this.label = label;
        this.process = process;
        this.reader = new Thread(() -> read(log), "bench-read-" + label);
        reader.setDaemon(true);
        reader.start();
    }

    static Launcher start(String label, List<String> command, PrintWriter log) throws IOException {
        String cp = System.getProperty("java.class.path");
        synchronized (log) {
            log.println("[" + label + "] $ " + String.join(" ", command).replace(cp, "<class path>"));
            log.flush();
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        return new Launcher(label, pb.start(), log);
    }

    private void read(PrintWriter log) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("READY")) {
                    ready.complete(Params.parseLine(line.substring(5)));
                } else if (line.startsWith("RESULT")) {
                    result.putAll(Params.parseLine(line.substring(6)));
                } else if (line.startsWith("CPU ")) {
                    cpuMs = Double.parseDouble(Params.parseLine(line.substring(4)).getOrDefault("ms", "0"));
                }
                synchronized (log) {
                    log.println("[" + label + "] " + line);
                }
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > 12) {
                        tail.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // the process went away
        } finally {
            log.flush();
            String error = result.get("error");
            ready.completeExceptionally(new IllegalStateException(label + " exited before READY: "
                    + (error != null ? error : tail())));
        }
    }

    /** CPU time the process reported just before it exited, in ms (0 if it did not). */
    double cpuMs() {
        return cpuMs;
    }

    String tail() {
        synchronized (tail) {
            return String.join(" | ", new ArrayList<>(tail));
        }
    }

    Map<String, String> awaitReady(long deadlineNanos) throws Exception {
        try {
            return ready.get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(label + " not ready in time: " + tail());
        }
    }

    void go() throws IOException {
        OutputStream in = process.getOutputStream();
        in.write("GO\n".getBytes(StandardCharsets.US_ASCII));
        in.flush();
    }

    /** Waits for the exit; the result lines, or an exception naming the failure. */
    Map<String, String> awaitResult(long deadlineNanos) throws Exception {
        if (!process.waitFor(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            throw new IllegalStateException(label + " did not finish in time: " + tail());
        }
        reader.join(5_000);
        if (result.containsKey("error")) {
            throw new IllegalStateException(label + ": " + result.get("error"));
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(label + " exited with " + process.exitValue() + ": " + tail());
        }
        return result;
    }

    @Override
    public void close() {
        if (process.isAlive() || process.descendants().findAny().isPresent()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
