package io.litecomm.process;

import org.slf4j.event.Level;

/**
 * The line protocol a managed child speaks to its parent on its standard error, next to whatever
 * the child prints itself. A frame is one line that starts with the record separator {@code U+001E}
 * and a tag:
 *
 * <ul>
 *   <li>{@code \u001eLC1 READY <pid>}: the bootstrap found the child's main class and is about to
 *       run it (the parent's {@code start} waits for this);</li>
 *   <li>{@code \u001eLC1 LOG <LEVEL> <logger> <message>}: one SLF4J record of the child, the
 *       message escaped so that it stays on one line ({@code \\}, {@code \n}, {@code \r},
 *       {@code \t}).</li>
 * </ul>
 *
 * <p>Any other line is plain output. A frame that does not start its line (the child printed part
 * of a line without a newline first) is still found: the text before it is a plain line.
 */
final class LogFrames {

    /** Starts every frame. */
    static final String MARK = "\u001eLC1 ";
    /** Longest message a child puts in one frame, in characters; longer ones are truncated. */
    static final int MAX_MESSAGE_CHARS = LineReader.MAX_LINE_BYTES / 4;
    /** Appended to a message or line that was cut. */
    static final String TRUNCATED = " [truncated by litecomm]";

    private static final String READY = "READY";
    private static final String LOG = "LOG";

    private LogFrames() {
    }

    /** A decoded frame: a record, or the readiness signal when {@code ready} is set. */
    record Frame(boolean ready, Level level, String logger, String message) {
    }

    static String ready(long pid) {
        return MARK + READY + " " + pid;
    }

    static String log(Level level, String logger, String message) {
        String text = message;
        if (text.length() > MAX_MESSAGE_CHARS) {
            text = text.substring(0, MAX_MESSAGE_CHARS) + TRUNCATED;
        }
        return MARK + LOG + " " + level + " " + clean(logger) + " " + escape(text);
    }

    /**
     * Decodes a frame that starts at the beginning of {@code line}.
     *
     * @return the frame, or {@code null} if it is not a well-formed frame
     */
    static Frame decode(String line) {
        if (!line.startsWith(MARK)) {
            return null;
        }
        String rest = line.substring(MARK.length());
        if (rest.startsWith(READY)) {
            return new Frame(true, null, null, rest.substring(READY.length()).trim());
        }
        if (!rest.startsWith(LOG + " ")) {
            return null;
        }
        rest = rest.substring(LOG.length() + 1);
        int levelEnd = rest.indexOf(' ');
        int loggerEnd = levelEnd < 0 ? -1 : rest.indexOf(' ', levelEnd + 1);
        if (loggerEnd < 0) {
            return null;
        }
        Level level;
        try {
            level = Level.valueOf(rest.substring(0, levelEnd));
        } catch (IllegalArgumentException e) {
            return null;
        }
        return new Frame(false, level, rest.substring(levelEnd + 1, loggerEnd), unescape(rest.substring(loggerEnd + 1)));
    }

    private static String clean(String logger) {
        return logger == null || logger.isEmpty() ? "?" : logger.replaceAll("[\\s\\u001e]", "_");
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\u001e' -> out.append("\\u001e");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    static String unescape(String text) {
        if (text.indexOf('\\') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 == text.length()) {
                out.append(c);
                continue;
            }
            char next = text.charAt(++i);
            switch (next) {
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (text.startsWith("u001e", i)) {
                        out.append('\u001e');
                        i += 4;
                    } else {
                        out.append("\\u");
                    }
                }
                default -> out.append(next);
            }
        }
        return out.toString();
    }
}
