package io.litecomm.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.commons.io.IOUtils;
import org.apache.commons.io.LineIterator;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * Copies a child's output stream to a logger, line by line, on a daemon thread. A line that starts
 * with a level ({@code INFO }, {@code [WARN] }, ...), as a child's own logger prints it, is logged at
 * that level without the prefix; other lines at the stream's default level.
 */
final class LogForwarder {

    private LogForwarder() {
    }

    static Thread start(InputStream stream, Logger logger, Level level, String threadName) {
        Thread thread = new Thread(() -> forward(stream, logger, level), threadName);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** The level a line starts with, or {@code null}. */
    static Level levelPrefix(String line) {
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

    private static void forward(InputStream stream, Logger logger, Level level) {
        try (LineIterator lines = IOUtils.lineIterator(stream, StandardCharsets.UTF_8)) {
            while (lines.hasNext()) {
                String line = lines.next();
                Level own = levelPrefix(line);
                if (own == null) {
                    logger.atLevel(level).log(line);
                } else {
                    logger.atLevel(own).log(line.substring(line.indexOf(' ') + 1));
                }
            }
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            // the stream closes when the child exits; what it had written was read before
            logger.debug("child output closed: {}", e.toString());
        }
    }
}
