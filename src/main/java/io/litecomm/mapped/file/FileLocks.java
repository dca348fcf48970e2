package io.litecomm.mapped.file;

import io.litecomm.spi.TransportException;
import io.litecomm.spi.TransportInterruptedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Byte-range {@code FileLock}s on a file, shared safely inside one JVM.
 *
 * <p>A {@code FileLock} belongs to the whole JVM, two overlapping ones throw
 * {@code OverlappingFileLockException}, and closing any channel to a file drops every lock the JVM
 * holds on it. So there is one channel per file per JVM, opened once, reference-counted here and
 * used for every lock and mapping of that file; exclusive sections also take an in-JVM lock. The
 * OS releases a dead process's locks: liveness never depends on clocks. Locked bytes lie far
 * beyond any data ({@link #LOCK_REGION}), so locking never interferes with mapping.
 */
public final class FileLocks {

    /** Start of the lock byte range: 1 TiB, far past the end of any litecomm file. */
    public static final long LOCK_REGION = 1L << 40;
    /** The byte writers of a file lock exclusively. */
    public static final long WRITER_LOCK = LOCK_REGION - 1;

    /** Open files by identity; guarded by itself. */
    private static final Map<Object, Entry> ENTRIES = new HashMap<>();
    /**
     * Threads for channel I/O, created on demand; an idle one ends after a second, so a closed
     * domain leaves no thread behind for long (hosts such as {@code mvn exec:java} wait for them).
     */
    private static final ExecutorService IO = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 1, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "litecomm-file-io");
                t.setDaemon(true);
                return t;
            });
    /** Longest pause between attempts to take a contended lock. */
    private static final long MAX_LOCK_PARK_NANOS = 200_000;

    private FileLocks() {
    }

    /** A held lock; {@link #close()} releases it. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Opens (or shares) this JVM's channel to a file.
     *
     * @param file the file; opened without following links
     * @return a handle; close it when done
     * @throws TransportException if the file cannot be opened
     */
    public static Handle open(Path file) {
        // opening under the registry lock means no second channel to a file is ever opened, and so
        // never closed, while a thread of this JVM may hold a lock through the first
        synchronized (ENTRIES) {
            for (int attempt = 0; attempt < 8; attempt++) {
                Object key = fileKey(file);
                Entry entry = ENTRIES.get(key);
                if (entry == null) {
                    FileChannel channel = io(() -> FileChannel.open(file, Set.of(StandardOpenOption.READ,
                            StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)), file);
                    Object reopened;
                    try {
                        reopened = fileKey(file);
                    } catch (RuntimeException e) {
                        closeQuietly(channel); // never registered: nobody else would close it
                        throw e;
                    }
                    if (!key.equals(reopened)) {
                        closeQuietly(channel); // replaced between the two looks: try again
                        continue;
                    }
                    entry = new Entry(key, file, channel);
                    ENTRIES.put(key, entry);
                }
                entry.references++;
                return new Handle(entry);
            }
        }
        throw new TransportException("cannot open: file=" + file + " reason=it keeps being replaced");
    }

    private static Object fileKey(Path file) {
        try {
            Object key = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return key == null ? file.toAbsolutePath() : key;
        } catch (IOException e) {
            throw new TransportException("cannot open: file=" + file + " cause=" + e, e);
        }
    }

    /** An I/O call on a channel. */
    @FunctionalInterface
    private interface IoCall<T> {
        T call() throws IOException;
    }

    /**
     * Runs channel I/O on a thread that is never interrupted: an interrupt during I/O would close
     * the channel, and with it every lock this JVM holds on the file. The caller waits without
     * being interruptible; its interrupt flag is kept.
     */
    private static <T> T io(IoCall<T> call, Path file) {
        Future<T> future = IO.submit(call::call);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    if (cause instanceof java.nio.file.NoSuchFileException missing) {
                        throw new TransportException("cannot open: file=" + file + " cause=" + missing, missing);
                    }
                    throw new TransportException("file I/O failed: file=" + file + " cause=" + cause, cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // a channel opened for nothing
        }
    }

    /** One user's share of a file's channel. */
    public static final class Handle implements AutoCloseable {
        private final Entry entry;
        private boolean closed;

        private Handle(Entry entry) {
            this.entry = entry;
        }

        /**
         * Maps the file from offset 0 with the shared channel.
         *
         * @param length bytes to map
         * @return the mapping
         */
        public MappedByteBuffer map(long length) {
            return io(() -> entry.channel().map(FileChannel.MapMode.READ_WRITE, 0, length), entry.path);
        }

        /**
         * Reads from the file with the shared channel.
         *
         * @param into where to read; filled as far as the file allows
         * @param position file offset
         */
        public void read(ByteBuffer into, long position) {
            io(() -> {
                while (into.hasRemaining() && entry.channel().read(into, position + into.position()) >= 0) {
                    // until full or end of file
                }
                return null;
            }, entry.path);
        }

        /**
         * Writes {@code length} zero bytes at {@code position}, so space is really allocated and a
         * full disk fails here rather than as SIGBUS later.
         *
         * @param position where
         * @param length how many
         */
        public void zeroFill(long position, long length) {
            try {
                io(() -> {
                    ByteBuffer zeroes = ByteBuffer.allocate(64 * 1024);
                    long done = 0;
                    while (done < length) {
                        zeroes.clear().limit((int) Math.min(zeroes.capacity(), length - done));
                        while (zeroes.hasRemaining()) {
                            done += entry.channel().write(zeroes, position + done);
                        }
                    }
                    return null;
                }, entry.path);
            } catch (TransportException e) {
                throw new TransportException("cannot grow: file=" + entry.path + " to=" + (position + length)
                        + " cause=" + e.getCause(), e.getCause());
            }
        }

        /**
         * The file's current size.
         *
         * @return bytes
         */
        public long size() {
            return io(() -> entry.channel().size(), entry.path);
        }

        /**
         * Takes the writer lock, exclusive across processes and across threads of this JVM. The
         * interrupt flag is checked first; an interrupt is reported, never swallowed.
         *
         * @return the held lock
         * @throws LockInterruptedException if the thread is interrupted
         */
        public Held lock() {
            try {
                entry.jvmLock.lockInterruptibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LockInterruptedException("interrupted while locking: file=" + entry.path);
            }
            try {
                FileLock lock = awaitLock();
                return () -> {
                    try {
                        lock.release();
                    } catch (IOException e) {
                        // the channel is gone, and its locks with it
                    } catch (InternalError fault) {
                        // a mapping fault the JVM reported late, on the way back from the unlock: the
                        // lock may still be in the JVM's table (OverlappingFileLockException ever after)
                        releaseAgain(lock);
                        throw fault;
                    } finally {
                        entry.jvmLock.unlock();
                    }
                };
            } catch (RuntimeException e) {
                entry.jvmLock.unlock();
                throw e;
            }
        }

        /**
         * Polls {@code tryLock}, which no interrupt can abort (a blocking {@code lock} would close
         * the channel when interrupted, dropping this JVM's other locks on the file).
         */
        private FileLock awaitLock() {
            long park = 1_000;
            for (int attempt = 0; ; attempt++) {
                FileLock lock;
                try {
                    lock = entry.channel().tryLock(WRITER_LOCK, 1, false);
                } catch (IOException e) {
                    throw new TransportException("cannot lock: file=" + entry.path + " cause=" + e, e);
                } catch (InternalError fault) {
                    // a mapping fault the JVM reported late, inside tryLock: the attempt stays in the
                    // JVM's lock table and every later tryLock would throw OverlappingFileLockException;
                    // closing the channel clears it (the next use reopens the file)
                    closeQuietly(entry.channel);
                    throw fault;
                }
                if (lock != null) {
                    return lock;
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new LockInterruptedException("interrupted while locking: file=" + entry.path);
                }
                if (attempt < 100) {
                    Thread.onSpinWait();
                } else {
                    java.util.concurrent.locks.LockSupport.parkNanos(park);
                    park = Math.min(park * 2, MAX_LOCK_PARK_NANOS);
                }
            }
        }

        private static void releaseAgain(FileLock lock) {
            try {
                lock.release();
            } catch (IOException | InternalError e) {
                // released as far as it can be
            }
        }

        /**
         * Tries to lock one byte of the lock region without blocking.
         *
         * @param index which byte, from {@link #LOCK_REGION}
         * @return the held lock, or {@code null} if another process or another user in this JVM holds it
         */
        public FileLock tryLockByte(long index) {
            entry.jvmLock.lock();
            try {
                return entry.channel().tryLock(LOCK_REGION + index, 1, false);
            } catch (OverlappingFileLockException heldInThisJvm) {
                return null;
            } catch (IOException e) {
                throw new TransportException("cannot lock: file=" + entry.path + " byte=" + index + " cause=" + e, e);
            } finally {
                entry.jvmLock.unlock();
            }
        }

        @Override
        public void close() {
            synchronized (ENTRIES) {
                if (closed) {
                    return;
                }
                closed = true;
                if (--entry.references == 0) {
                    ENTRIES.remove(entry.key);
                    entry.jvmLock.lock();
                    try {
                        closeQuietly(entry.channel);
                    } finally {
                        entry.jvmLock.unlock();
                    }
                }
            }
        }
    }

    /** Thrown when a thread is interrupted while taking a lock. */
    public static final class LockInterruptedException extends TransportInterruptedException {
        private static final long serialVersionUID = 1L;

        LockInterruptedException(String message) {
            super(message);
        }
    }

    private static final class Entry {
        final Object key;
        final Path path;
        final ReentrantLock jvmLock = new ReentrantLock();
        int references;
        private FileChannel channel;

        Entry(Object key, Path path, FileChannel channel) {
            this.key = key;
            this.path = path;
            this.channel = channel;
        }

        /** Called with {@link #jvmLock} held. */
        FileChannel channel() throws IOException {
            if (!channel.isOpen()) {
                reopen();
            }
            return channel;
        }

        /** An interrupt closed the channel (dropping this JVM's locks on the file): open a new one. */
        void reopen() {
            try {
                channel = FileChannel.open(path, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS));
            } catch (IOException e) {
                throw new TransportException("cannot reopen: file=" + path + " cause=" + e, e);
            }
        }
    }
}
