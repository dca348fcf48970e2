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
 *
 * <p>Channel I/O that an interrupt could abort (open, read, write, map, size) runs on threads of
 * the handle's owner ({@link FileIo}): the {@link DomainDirectory} that opened it, shut down when
 * the domain and its handles are closed, or, for a handle opened without a domain, the handle
 * itself. Lock calls use {@code tryLock}, which no interrupt aborts, on the caller's thread.
 */
public final class FileLocks {

    /** Start of the lock byte range: 1 TiB, far past the end of any litecomm file. */
    public static final long LOCK_REGION = 1L << 40;
    /** The byte writers of a file lock exclusively. */
    public static final long WRITER_LOCK = LOCK_REGION - 1;

    /**
     * Open files by identity; guarded by itself. This map is per JVM on purpose, not per domain:
     * the {@code fcntl} locks it protects belong to the JVM, so two domains (two {@code Comm}s on
     * one directory) that opened a file each with its own channel would drop each other's locks
     * whenever one of them closed its channel. An entry goes away when its last handle closes, so
     * the map holds only files in use.
     */
    private static final Map<Object, Entry> ENTRIES = new HashMap<>();
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
     * Opens (or shares) this JVM's channel to a file of a domain; its I/O runs on the domain's
     * threads.
     *
     * @param domain the domain the file belongs to, which must stay open until the handle is closed
     * @param file the file; opened without following links
     * @return a handle; close it when done
     * @throws TransportException if the file cannot be opened or the domain is closed
     */
    public static Handle open(DomainDirectory domain, Path file) {
        domain.handleOpened();
        try {
            return open(file, domain.io(), domain);
        } catch (RuntimeException e) {
            domain.handleClosed();
            throw e;
        }
    }

    /**
     * Opens (or shares) this JVM's channel to a file outside any domain; its I/O runs on threads of
     * the handle itself, ended when it is closed.
     *
     * @param file the file; opened without following links
     * @return a handle; close it when done
     * @throws TransportException if the file cannot be opened
     */
    public static Handle open(Path file) {
        FileIo own = new FileIo();
        try {
            return open(file, own, null);
        } catch (RuntimeException e) {
            own.close();
            throw e;
        }
    }

    private static Handle open(Path file, FileIo io, DomainDirectory owner) {
        // opening under the registry lock means no second channel to a file is ever opened, and so
        // never closed, while a thread of this JVM may hold a lock through the first
        synchronized (ENTRIES) {
            for (int attempt = 0; attempt < 8; attempt++) {
                Object key = fileKey(file);
                Entry entry = ENTRIES.get(key);
                if (entry == null) {
                    FileChannel channel = io.run(() -> openChannel(file), file);
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
                return new Handle(entry, io, owner);
            }
        }
        throw new TransportException("cannot open: file=" + file + " reason=it keeps being replaced");
    }

    /**
     * Files this JVM holds a channel to now.
     *
     * @return the count
     */
    static int openFiles() {
        synchronized (ENTRIES) {
            return ENTRIES.size();
        }
    }

    private static FileChannel openChannel(Path file) throws IOException {
        return FileChannel.open(file, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS));
    }

    private static Object fileKey(Path file) {
        try {
            Object key = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return key == null ? file.toAbsolutePath() : key;
        } catch (IOException e) {
            throw new TransportException("cannot open: file=" + file + " cause=" + e, e);
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
        private final FileIo io;
        /** The domain whose threads run this handle's I/O; {@code null} if the handle owns {@link #io}. */
        private final DomainDirectory owner;
        private boolean closed;

        private Handle(Entry entry, FileIo io, DomainDirectory owner) {
            this.entry = entry;
            this.io = io;
            this.owner = owner;
        }

        private <T> T io(FileIo.IoCall<T> call, Path file) {
            return io.run(call, file);
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
                    entry.discardChannel();
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

        /**
         * Closes the shared channel as a late mapping fault inside {@code tryLock} requires; the next
         * use opens the file again. Package-private so tests can provoke the reopen.
         */
        void discardChannel() {
            entry.discardChannel();
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
                        entry.closeChannel();
                    } finally {
                        entry.jvmLock.unlock();
                    }
                }
            }
            if (owner != null) {
                owner.handleClosed();
            } else {
                io.close();
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

    /**
     * One file's shared channel. The channel is read on the caller's thread (lock calls, under
     * {@link #jvmLock}) and on I/O threads (map, read, write, size), which cannot take
     * {@link #jvmLock}: its holder may be the very caller waiting for them. So the channel is
     * published through a volatile field, and replacing it (after an interrupt or a late mapping
     * fault closed it) happens under {@link #channelLock}, which is held for nothing else: two
     * threads that find it closed open one new channel, not one each (a second channel would leak,
     * and closing it later would drop this JVM's locks on the file).
     */
    private static final class Entry {
        final Object key;
        final Path path;
        final ReentrantLock jvmLock = new ReentrantLock();
        /** Guarded by {@code ENTRIES}. */
        int references;
        private final ReentrantLock channelLock = new ReentrantLock();
        private volatile FileChannel channel;
        /** Set when the last handle closed; guarded by {@link #channelLock}. */
        private boolean released;

        Entry(Object key, Path path, FileChannel channel) {
            this.key = key;
            this.path = path;
            this.channel = channel;
        }

        /** The open channel, opening a new one if an interrupt or a fault closed it. Any thread. */
        FileChannel channel() {
            FileChannel current = channel;
            if (current.isOpen()) {
                return current;
            }
            channelLock.lock();
            try {
                current = channel;
                if (!current.isOpen()) {
                    if (released) {
                        throw new TransportException("file closed: file=" + path);
                    }
                    current = reopen();
                    channel = current;
                }
                return current;
            } finally {
                channelLock.unlock();
            }
        }

        /** An interrupt closed the channel (dropping this JVM's locks on the file): open a new one. */
        private FileChannel reopen() {
            try {
                return openChannel(path);
            } catch (IOException e) {
                throw new TransportException("cannot reopen: file=" + path + " cause=" + e, e);
            }
        }

        /** Closes the channel; the next use opens a new one. */
        void discardChannel() {
            channelLock.lock();
            try {
                closeQuietly(channel);
            } finally {
                channelLock.unlock();
            }
        }

        /** The last handle closed: closes the channel for good. */
        void closeChannel() {
            channelLock.lock();
            try {
                released = true;
                closeQuietly(channel);
            } finally {
                channelLock.unlock();
            }
        }
    }
}
