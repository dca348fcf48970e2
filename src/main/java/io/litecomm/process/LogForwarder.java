package io.litecomm.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.helpers.NOPLoggerFactory;

/**
 * Copies one run of a child's stdout and stderr to where {@link OutputMode} says, each stream on
 * its own daemon thread, line by line with bounded lines ({@link LineReader}). On stderr,
 * {@link LogFrames} are decoded: records keep their level, logger and message (logged under
 * {@code litecomm.process.<name>.<child's logger>}) and the readiness frame completes
 * {@link #ready()}. Plain stdout lines are INFO; a plain stderr line that starts with a level
 * ({@code INFO }, {@code [WARN] }, {@code [main] ERROR }, as simple loggers print it) keeps it
 * without the prefix, any other is WARN. Plain lines go to {@code litecomm.process.<name>}. The
 * last {@value #TAIL_LINES} lines are kept for the report of a child that fails to start.
 */
final class LogForwarder {

    /** Lines kept for a failure report. */
    static final int TAIL_LINES = 20;
    private static final int TAIL_LINE_CHARS = 2000;

    private final String name;
    private final OutputMode mode;
    private final Logger childLog;
    private final boolean console;
    private final String prefix;
    private final Deque<String> tail = new ArrayDeque<>();
    private final CompletableFuture<Long> ready = new CompletableFuture<>();
    private final List<Thread> threads = new ArrayList<>();

    LogForwarder(String name, OutputMode mode) {
        this.name = name;
        this.mode = mode;
        this.childLog = LoggerFactory.getLogger("litecomm.process." + name);
        this.console = mode == OutputMode.INHERIT || mode == OutputMode.LOG && !hasProvider();
        this.prefix = mode == OutputMode.INHERIT ? "" : "[" + name + "] ";
    }

    /** Whether this JVM has an SLF4J provider (not the no-operation fallback). */
    static boolean hasProvider() {
        return !(LoggerFactory.getILoggerFactory() instanceof NOPLoggerFactory);
    }

    /** Completed with the child's pid when its bootstrap reports that it is up. */
    CompletableFuture<Long> ready() {
        return ready;
    }

    /** Starts copying both streams. */
    void start(InputStream stdout, InputStream stderr) {
        threads.add(thread(stdout, false, "litecomm-log-" + name));
        threads.add(thread(stderr, true, "litecomm-log-" + name + "-err"));
    }

    private Thread thread(InputStream stream, boolean err, String threadName) {
        Thread thread = new Thread(() -> forward(stream, err), threadName);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Waits, at most {@code timeout}, until both streams are read to their end. */
    void awaitDrained(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The last lines of both streams, oldest first. */
    List<String> tail() {
        synchronized (tail) {
            return new ArrayList<>(tail);
        }
    }

    private void forward(InputStream stream, boolean err) {
        LineReader lines = new LineReader(stream);
        try {
            String line;
            while ((line = lines.next()) != null) {
                try {
                    handle(line, err);
                } catch (RuntimeException e) {
                    // a broken logger must not stop the copying, or the child would block on a full pipe
                    childLog.debug("cannot forward a line: {}", e.toString());
                }
            }
        } catch (IOException e) {
            // the stream closes when the child exits; what it had written was read before
            childLog.debug("child output closed: {}", e.toString());
        } finally {
            if (lines.truncatedLines() > 0) {
                childLog.warn("child output lines cut: name={} lines={} skippedBytes={} limit={} bytes", name,
                        lines.truncatedLines(), lines.skippedBytes(), LineReader.MAX_LINE_BYTES);
            }
        }
    }

    private void handle(String line, boolean err) {
        int mark = err ? line.indexOf(LogFrames.MARK) : -1;
        if (mark > 0) {
            plain(line.substring(0, mark), err);
            line = line.substring(mark);
        }
        LogFrames.Frame frame = mark >= 0 ? LogFrames.decode(line) : null;
        if (frame == null) {
            plain(line, err);
        } else if (frame.ready()) {
            ready.complete(parsePid(frame.message()));
        } else {
            record(frame.level(), frame.logger(), frame.message());
        }
    }

    private static long parsePid(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void plain(String line, boolean err) {
        Level level = Level.INFO;
        String text = line;
        if (err) {
            level = Level.WARN;
            Level own = levelPrefix(line);
            if (own != null) {
                level = own;
                text = stripLevel(line);
            }
        }
        remember(line);
        if (mode == OutputMode.DISCARD) {
            return;
        }
        if (console) {
            print(err ? System.err : System.out, prefix + line);
        } else {
            childLog.atLevel(level).log("{}", text);
        }
    }

    private void record(Level level, String logger, String message) {
        remember(level + " " + logger + " - " + message);
        if (mode == OutputMode.DISCARD) {
            return;
        }
        if (console) {
            print(level.toInt() > Level.INFO.toInt() ? System.err : System.out,
                    prefix + level + " " + logger + " - " + message);
        } else {
            LoggerFactory.getLogger("litecomm.process." + name + "." + logger).atLevel(level).log("{}", message);
        }
    }

    private static void print(PrintStream stream, String text) {
        stream.println(text);
    }

    private void remember(String line) {
        String kept = line.length() > TAIL_LINE_CHARS ? line.substring(0, TAIL_LINE_CHARS) + LogFrames.TRUNCATED : line;
        synchronized (tail) {
            if (tail.size() == TAIL_LINES) {
                tail.pollFirst();
            }
            tail.addLast(kept);
        }
    }

    /** The level a line starts with ({@code LEVEL }, {@code [LEVEL] }, {@code [thread] LEVEL }), or {@code null}. */
    static Level levelPrefix(String line) {
        Level direct = levelWord(line);
        if (direct != null || !line.startsWith("[")) {
            return direct;
        }
        int close = line.indexOf("] ");
        return close < 0 ? null : levelWord(line.substring(close + 2));
    }

    private static String stripLevel(String line) {
        if (levelWord(line) == null) {
            line = line.substring(line.indexOf("] ") + 2);
        }
        return line.substring(line.indexOf(' ') + 1);
    }

    private static Level levelWord(String line) {
        int space = line.indexOf(' ');
        if (space < 4 || space > 7) {
            return null;
        }
        String word = line.substring(0, space);
        if (word.startsWith("[") && word.endsWith("]")) {
            word = word.substring(1, word.length() - 1);
        }
        switch (word) {
            case "TRACE":
                return Level.TRACE;
            case "DEBUG":
                return Level.DEBUG;
            case "INFO":
                return Level.INFO;
            case "WARN":
                return Level.WARN;
            case "ERROR":
                return Level.ERROR;
            default:
                return null;
        }
    }
}
