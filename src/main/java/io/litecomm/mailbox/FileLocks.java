package io.litecomm.mailbox;

import io.litecomm.spi.TransportException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 */
public final class FileLocks {

    /** Start of the lock byte range: 1 TiB, far past the end of any litecomm file. */
    public static final long LOCK_REGION = 1L << 40;
    /** The byte writers of a file lock exclusively. */
    public static final long WRITER_LOCK = LOCK_REGION - 1;

    private static final Map<Object, Entry> ENTRIES = new HashMap<>();

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
        FileChannel channel;
        Object key;
        try {
            channel = FileChannel.open(file, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS));
            key = java.nio.file.Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            throw new TransportException("cannot open: file=" + file + " cause=" + e, e);
        }
        synchronized (ENTRIES) {
            Entry entry = ENTRIES.get(key == null ? file : key);
            if (entry == null) {
                entry = new Entry(key == null ? file : key, file, channel);
                ENTRIES.put(entry.key, entry);
            } else {
                closeQuietly(channel);
            }
            entry.references++;
            return new Handle(entry);
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
            entry.jvmLock.lock();
            try {
                return entry.channel().map(FileChannel.MapMode.READ_WRITE, 0, length);
            } catch (IOException e) {
                throw new TransportException("cannot map: file=" + entry.path + " length=" + length + " cause=" + e, e);
            } finally {
                entry.jvmLock.unlock();
            }
        }

        /**
         * Reads from the file with the shared channel.
         *
         * @param into where to read; filled as far as the file allows
         * @param position file offset
         */
        public void read(ByteBuffer into, long position) {
            entry.jvmLock.lock();
            try {
                while (into.hasRemaining() && entry.channel().read(into, position + into.position()) >= 0) {
                    // until full or end of file
                }
            } catch (IOException e) {
                throw new TransportException("cannot read: file=" + entry.path + " cause=" + e, e);
            } finally {
                entry.jvmLock.unlock();
            }
        }

        /**
         * Writes {@code length} zero bytes at {@code position}, so space is really allocated and a
         * full disk fails here rather than as SIGBUS later.
         *
         * @param position where
         * @param length how many
         */
        public void zeroFill(long position, long length) {
            entry.jvmLock.lock();
            try {
                ByteBuffer zeroes = ByteBuffer.allocate(64 * 1024);
                long done = 0;
                while (done < length) {
                    zeroes.clear().limit((int) Math.min(zeroes.capacity(), length - done));
                    while (zeroes.hasRemaining()) {
                        done += entry.channel().write(zeroes, position + done);
                    }
                }
            } catch (IOException e) {
                throw new TransportException("cannot grow: file=" + entry.path + " to=" + (position + length)
                        + " cause=" + e, e);
            } finally {
                entry.jvmLock.unlock();
            }
        }

        /**
         * The file's current size.
         *
         * @return bytes
         */
        public long size() {
            entry.jvmLock.lock();
            try {
                return entry.channel().size();
            } catch (IOException e) {
                throw new TransportException("cannot read size: file=" + entry.path + " cause=" + e, e);
            } finally {
                entry.jvmLock.unlock();
            }
        }

        /**
         * Takes the writer lock, exclusive across processes and across threads of this JVM. The
         * interrupt flag is checked first; an interrupt is reported, never swallowed.
         *
         * @return the held lock
         * @throws LockInterruptedException if the thread is interrupted
         */
        public Held lock() {
            if (Thread.currentThread().isInterrupted()) {
                throw new LockInterruptedException("interrupted before locking: file=" + entry.path);
            }
            entry.jvmLock.lock();
            try {
                FileLock lock = entry.channel().lock(WRITER_LOCK, 1, false);
                return () -> {
                    try {
                        lock.release();
                    } catch (IOException e) {
                        // the channel is gone, and its locks with it
                    } finally {
                        entry.jvmLock.unlock();
                    }
                };
            } catch (ClosedChannelException interrupted) {
                entry.reopen();
                entry.jvmLock.unlock();
                throw new LockInterruptedException("interrupted while locking: file=" + entry.path);
            } catch (IOException | RuntimeException e) {
                entry.jvmLock.unlock();
                throw new TransportException("cannot lock: file=" + entry.path + " cause=" + e, e);
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
    public static final class LockInterruptedException extends RuntimeException {
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
