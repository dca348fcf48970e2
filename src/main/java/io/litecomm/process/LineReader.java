package io.litecomm.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads lines of a child's output with bounded memory: a line longer than {@link #MAX_LINE_BYTES}
 * is cut there, marked with {@link LogFrames#TRUNCATED}, and the rest of it, up to the next
 * newline, is skipped (only counted). Never holds more than one bounded line.
 */
final class LineReader {

    /** Longest line kept, in bytes of UTF-8 (64 KiB). */
    static final int MAX_LINE_BYTES = 64 * 1024;

    private final InputStream in;
    private final byte[] chunk = new byte[8192];
    private final byte[] line = new byte[MAX_LINE_BYTES];
    private int chunkPos;
    private int chunkEnd;
    private long truncatedLines;
    private long skippedBytes;
    private boolean skipping;

    LineReader(InputStream in) {
        this.in = in;
    }

    /**
     * The next line without its line terminator, or {@code null} at end of stream.
     *
     * @throws IOException if reading fails
     */
    String next() throws IOException {
        if (skipping && !skipRest()) {
            return null;
        }
        int length = 0;
        while (true) {
            if (chunkPos == chunkEnd && !fill()) {
                return length == 0 ? null : finish(length, false);
            }
            while (chunkPos < chunkEnd) {
                byte b = chunk[chunkPos++];
                if (b == '\n') {
                    return finish(length, false);
                }
                if (length == MAX_LINE_BYTES) {
                    // hand out the head at once; the rest is skipped on the next call
                    truncatedLines++;
                    skippedBytes++;
                    skipping = true;
                    return finish(length, true);
                }
                line[length++] = b;
            }
        }
    }

    /** Skips to the end of a cut line; {@code false} at end of stream. */
    private boolean skipRest() throws IOException {
        while (true) {
            while (chunkPos < chunkEnd) {
                if (chunk[chunkPos++] == '\n') {
                    skipping = false;
                    return true;
                }
                skippedBytes++;
            }
            if (!fill()) {
                return false;
            }
        }
    }

    private boolean fill() throws IOException {
        int n = in.read(chunk);
        if (n < 0) {
            return false;
        }
        chunkPos = 0;
        chunkEnd = n;
        return true;
    }

    private String finish(int length, boolean cut) {
        int end = length;
        if (end > 0 && line[end - 1] == '\r') {
            end--;
        }
        String text = new String(line, 0, end, StandardCharsets.UTF_8);
        return cut ? text + LogFrames.TRUNCATED : text;
    }

    /** Lines cut so far. */
    long truncatedLines() {
        return truncatedLines;
    }

    /** Bytes skipped from cut lines so far. */
    long skippedBytes() {
        return skippedBytes;
    }
}
