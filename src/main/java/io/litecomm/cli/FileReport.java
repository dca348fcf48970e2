package io.litecomm.cli;

import io.litecomm.mapped.inspect.Findings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.List;

/** What {@code check} found in one file: problems (the file is corrupt or refused), notes, and a summary. */
final class FileReport {

    private final Path file;
    private final String kind;
    private final Findings findings = new Findings();

    FileReport(Path file, String kind) {
        this.file = file;
        this.kind = kind;
    }

    Path file() {
        return file;
    }

    String kind() {
        return kind;
    }

    /** What checking the file found; the format checks of {@code mapped.inspect} fill it. */
    Findings findings() {
        return findings;
    }

    List<String> problems() {
        return findings.problems();
    }

    List<String> notes() {
        return findings.notes();
    }

    String summary() {
        return findings.summary();
    }

    boolean ok() {
        return findings.ok();
    }

    FileReport problem(String problem) {
        findings.problem(problem);
        return this;
    }

    void summary(String text) {
        findings.summary(text);
    }

    /**
     * Checks, without following links, that the file is a regular file owned by this user, as
     * litecomm requires before it opens one; records a problem otherwise.
     *
     * @return {@code true} if the file may be read
     */
    boolean checkAttributes() {
        try {
            PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attributes.isSymbolicLink()) {
                problem("refused: file is a symbolic link");
                return false;
            }
            if (!attributes.isRegularFile()) {
                problem("refused: not a regular file");
                return false;
            }
            int owner = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int self = selfUid();
            if (owner != self) {
                problem("refused: owned by another user: owner=" + owner + " uid=" + self);
            }
            return true;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            problem("cannot read attributes: " + e);
            return false;
        }
    }

    /**
     * This process's user id: the owner of {@code /proc/self}, else of a new temporary file.
     *
     * @return the uid
     * @throws IOException if neither can be read
     */
    static int selfUid() throws IOException {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            Path probe = Files.createTempFile("litecomm-uid", ".tmp");
            try {
                return (Integer) Files.getAttribute(probe, "unix:uid");
            } finally {
                Files.deleteIfExists(probe);
            }
        }
    }
}
