package io.litecomm.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** What {@code check} found in one file: problems (the file is corrupt or refused), notes, and a summary. */
final class FileReport {

    private static final long LOCK_WAIT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Path file;
    private final String kind;
    private final List<String> problems = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private String summary = "";

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

    List<String> problems() {
        return problems;
    }

    List<String> notes() {
        return notes;
    }

    String summary() {
        return summary;
    }

    boolean ok() {
        return problems.isEmpty();
    }

    FileReport problem(String problem) {
        problems.add(problem);
        return this;
    }

    FileReport note(String note) {
        notes.add(note);
        return this;
    }

    void summary(String text) {
        this.summary = text;
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

    /**
     * Takes a shared lock on a file's writer-lock byte, so writers (who lock it exclusively) wait
     * while the file is checked; gives up after a second if a writer holds it.
     *
     * @param channel the file, open for reading
     * @param writerLock the offset of the writer-lock byte
     * @return the lock, or {@code null} if it could not be had (then a note says so)
     */
    FileLock lockOutWriters(FileChannel channel, long writerLock) {
        long start = System.nanoTime();
        while (true) {
            try {
                FileLock lock = channel.tryLock(writerLock, 1, true);
                if (lock != null) {
                    return lock;
                }
            } catch (IOException | OverlappingFileLockException e) {
                break;
            }
            if (System.nanoTime() - start > LOCK_WAIT_NANOS) {
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        note("checked while a writer held the file: a problem may be a write in progress");
        return null;
    }
}
