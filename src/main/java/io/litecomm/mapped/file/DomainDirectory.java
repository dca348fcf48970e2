package io.litecomm.mapped.file;

import io.litecomm.spi.TransportException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A domain directory: created {@code 0700}, refused when it is a symbolic link, owned by another
 * user or writable by group or others; files in it are created {@code 0600} and published
 * atomically; a domain lock ({@code FileLock} plus an in-JVM lock, since a {@code FileLock}
 * belongs to the whole JVM) serialises creation and deletion.
 *
 * <p>A domain owns the threads that run I/O on its files ({@link FileLocks#open(DomainDirectory, Path)}):
 * {@link #close()} ends them once every handle opened through it is closed.
 */
public final class DomainDirectory implements AutoCloseable {

    /** Name of the domain lock file. */
    public static final String LOCK_FILE = ".lock";

    private static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    /**
     * In-JVM locks by lock-file path, shared by the open domains on that path ({@code FileLock}s of
     * one JVM would overlap otherwise); guarded by itself. An entry goes when the last domain on
     * its path closes, so the map holds only paths in use.
     */
    private static final Map<Path, SharedLock> JVM_LOCKS = new HashMap<>();

    private final Path path;
    private final Path lockFile;
    private final ReentrantLock jvmLock;
    /** Threads for I/O on this domain's files. */
    private final FileIo io;
    /** Guards {@link #openHandles} and {@link #closed}. */
    private final Object state = new Object();
    private int openHandles;
    /** Set under {@link #jvmLock} and {@link #state}. */
    private volatile boolean closed;

    private DomainDirectory(Path path) {
        this.path = path;
        this.lockFile = path.resolve(LOCK_FILE);
        this.io = new FileIo(FileIo.THREAD_NAME + "-" + path.getFileName());
        synchronized (JVM_LOCKS) {
            SharedLock shared = JVM_LOCKS.computeIfAbsent(lockFile, p -> new SharedLock());
            shared.users++;
            this.jvmLock = shared.lock;
        }
    }

    /** The in-JVM lock of a domain path and how many open domains use it. */
    private static final class SharedLock {
        final ReentrantLock lock = new ReentrantLock();
        /** Guarded by {@code JVM_LOCKS}. */
        int users;
    }

    /**
     * Domain paths this JVM holds an in-JVM lock for now.
     *
     * @return the count
     */
    static int lockedPaths() {
        synchronized (JVM_LOCKS) {
            return JVM_LOCKS.size();
        }
    }

    /** The threads for this domain's file I/O. */
    FileIo io() {
        return io;
    }

    /** A handle on a file of this domain was opened. */
    void handleOpened() {
        synchronized (state) {
            if (closed) {
                throw new TransportException("domain closed: dir=" + path);
            }
            openHandles++;
        }
    }

    /** A handle on a file of this domain was closed: the last one after {@link #close()} ends the I/O threads. */
    void handleClosed() {
        synchronized (state) {
            if (--openHandles == 0 && closed) {
                io.close();
            }
        }
    }

    /**
     * Closes this domain: its share of the in-JVM domain lock is given back (the lock goes when no
     * open domain on this path uses it), later {@link #withLock} calls fail, and its I/O threads end
     * once every file handle opened through it is closed (at once if none is open). Waits for a
     * {@link #withLock} section running on this path. Idempotent.
     */
    @Override
    public void close() {
        jvmLock.lock();
        try {
            synchronized (state) {
                if (closed) {
                    return;
                }
                closed = true;
                if (openHandles == 0) {
                    io.close();
                }
            }
            synchronized (JVM_LOCKS) {
                SharedLock shared = JVM_LOCKS.get(lockFile);
                if (shared != null && shared.lock == jvmLock && --shared.users == 0) {
                    JVM_LOCKS.remove(lockFile);
                }
            }
        } finally {
            jvmLock.unlock();
        }
    }

    /**
     * Opens a domain directory, creating it (and its parents) if needed.
     *
     * @param directory the directory
     * @return the domain
     * @throws TransportException if it cannot be created or is refused
     */
    public static DomainDirectory open(Path directory) {
        Path path = directory.toAbsolutePath().normalize();
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Path parent = path.getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.createDirectory(path, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
                Files.setPosixFilePermissions(path, DIRECTORY_MODE);
            } catch (FileAlreadyExistsException raced) {
                // another process created it first: validated below like any existing directory
            } catch (IOException e) {
                throw new TransportException("cannot create domain directory: dir=" + path + " cause=" + e, e);
            }
        }
        checkDirectory(path);
        return new DomainDirectory(path);
    }

    /**
     * The directory.
     *
     * @return its absolute path
     */
    public Path path() {
        return path;
    }

    private static void checkDirectory(Path path) {
        PosixFileAttributes attributes = attributes(path, "domain directory");
        if (attributes.isSymbolicLink()) {
            throw new TransportException("refused: domain directory is a symbolic link: dir=" + path);
        }
        if (!attributes.isDirectory()) {
            throw new TransportException("refused: domain path is not a directory: dir=" + path);
        }
        checkOwner(path, "domain directory");
        Set<PosixFilePermission> mode = attributes.permissions();
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new TransportException("refused: domain directory is writable by group or others: dir=" + path
                    + " mode=" + PosixFilePermissions.toString(mode));
        }
    }

    /**
     * Checks a file of the domain is a regular file owned by this user, without following links.
     *
     * @param file the file
     * @throws NoSuchFileException if it does not exist
     * @throws TransportException if it is refused
     */
    public void checkFile(Path file) throws NoSuchFileException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            throw new TransportException("cannot read attributes: file=" + file + " cause=" + e, e);
        }
        if (attributes.isSymbolicLink()) {
            throw new TransportException("refused: file is a symbolic link: file=" + file);
        }
        if (!attributes.isRegularFile()) {
            throw new TransportException("refused: not a regular file: file=" + file);
        }
        checkOwner(file, "file");
    }

    private static PosixFileAttributes attributes(Path path, String what) {
        try {
            return Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new TransportException("cannot read " + what + ": path=" + path + " cause=" + e, e);
        }
    }

    private static void checkOwner(Path path, String what) {
        int owner = uid(path);
        int self = SelfUid.VALUE;
        if (owner != self) {
            throw new TransportException("refused: " + what + " is owned by another user: path=" + path
                    + " owner=" + owner + " uid=" + self);
        }
    }

    private static int uid(Path path) {
        try {
            return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            throw new TransportException("cannot read owner: path=" + path + " cause=" + e, e);
        }
    }

    /**
     * Runs {@code action} holding the domain lock, exclusive across processes and threads.
     *
     * @param action what to do
     * @throws TransportException if this domain is closed
     * @param <T> result type
     * @return the action's result
     */
    @SuppressWarnings("try") // the resource is a held lock: holding it is the point
    public <T> T withLock(Supplier<T> action) {
        jvmLock.lock();
        try {
            // checked under the lock: a closed domain's lock may be gone from JVM_LOCKS, and a domain
            // opened on this path since holds another one, which would not exclude this section
            if (closed) {
                throw new TransportException("domain closed: dir=" + path);
            }
            try (FileChannel channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(FILE_MODE));
                 FileLock ignored = channel.lock()) {
                return action.get();
            } catch (IOException e) {
                throw new TransportException("cannot lock domain: file=" + lockFile + " cause=" + e, e);
            }
        } finally {
            jvmLock.unlock();
        }
    }

    /**
     * Creates {@code target} with {@code length} real bytes (so a full disk fails here, not later as
     * SIGBUS), lets {@code init} write its content, and publishes it with a hard link, which fails if
     * the target exists: nobody ever sees a half-made file and concurrent creators end up with one.
     *
     * @param target the file to create
     * @param length its length in bytes
     * @param init writes the content into the new file
     * @return {@code true} if this call created it, {@code false} if it already existed
     */
    public boolean createAtomically(Path target, long length, FileInitializer init) {
        String tmpName = "." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp";
        Path tmp = path.resolve(tmpName);
        try {
            try (FileChannel channel = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ, StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(FILE_MODE))) {
                Files.setPosixFilePermissions(tmp, FILE_MODE);
                FileZeroes.fill(channel, length);
                init.initialize(channel);
                channel.force(false);
            }
            try {
                Files.createLink(target, tmp);
                return true;
            } catch (FileAlreadyExistsException exists) {
                return false;
            }
        } catch (IOException e) {
            throw new TransportException("cannot create file: file=" + target + " cause=" + e, e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // the temporary name is unique and hidden: a leftover is harmless
            }
        }
    }

    /** Writes the content of a file being created. */
    @FunctionalInterface
    public interface FileInitializer {
        /**
         * Writes the content.
         *
         * @param channel the new file, already filled with zeroes
         * @throws IOException on failure; the file is then not published
         */
        void initialize(FileChannel channel) throws IOException;
    }

    /** This process's user id, read once. */
    private static final class SelfUid {
        static final int VALUE = readSelfUid();

        private static int readSelfUid() {
            try {
                return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                try {
                    Path probe = Files.createTempFile("litecomm-uid", ".tmp");
                    try {
                        return (Integer) Files.getAttribute(probe, "unix:uid");
                    } finally {
                        Files.deleteIfExists(probe);
                    }
                } catch (IOException probeFailure) {
                    throw new ExceptionInInitializerError(probeFailure);
                }
            }
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
