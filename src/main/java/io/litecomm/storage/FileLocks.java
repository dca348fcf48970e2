package io.litecomm.storage;

import io.litecomm.spi.TransportException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive locks on a file, across processes ({@code FileLock}) and across threads and
 * {@code Comm}s of this JVM (a {@code ReentrantLock}): a {@code FileLock} belongs to the whole JVM
 * and closing any channel to the file would drop it, so there is one channel per file per JVM,
 * shared and reference-counted here. The OS releases a dead process's lock: liveness never depends
 * on clocks.
 */
final class FileLocks {

    /** The locked byte: beyond any data, so locking never interferes with mapping. */
    private static final long LOCK_POSITION = Long.MAX_VALUE - 1;
    private static final Map<Path, Entry> ENTRIES = new HashMap<>();

    private FileLocks() {
    }

    /** A held lock; {@link #close()} releases it. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** A handle on one file's lock; release with {@link Handle#close()}. */
    static final class Handle implements AutoCloseable {
        private final Entry entry;
        private boolean closed;

        private Handle(Entry entry) {
            this.entry = entry;
        }

        /**
         * Maps the file with the shared channel: opening and closing another channel would drop
         * this JVM's lock on it.
         */
        java.nio.MappedByteBuffer map(long length) {
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
         * Appends {@code length} zero bytes at {@code position} with the shared channel, so space is
         * really allocated and a full disk fails here. Call with the lock held.
         */
        void zeroFill(long position, long length) {
            entry.jvmLock.lock();
            try {
                java.nio.ByteBuffer zeroes = java.nio.ByteBuffer.allocate(64 * 1024);
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

        /** The current size of the file. */
        long size() {
            entry.jvmLock.lock();
            try {
                return entry.channel().size();
            } catch (IOException e) {
                throw new TransportException("cannot read size: file=" + entry.path + " cause=" + e, e);
            } finally {
                entry.jvmLock.unlock();
            }
        }

        /** Takes the lock, blocking. The interrupt flag is checked first and kept. */
        Held lock() {
            if (Thread.currentThread().isInterrupted()) {
                throw new LockInterruptedException("interrupted before locking: file=" + entry.path);
            }
            entry.jvmLock.lock();
            try {
                FileLock lock = entry.channel().lock(LOCK_POSITION, 1, false);
                return () -> {
                    try {
                        lock.release();
                    } catch (IOException e) {
                        // the channel is gone; its locks went with it
                    } finally {
                        entry.jvmLock.unlock();
                    }
                };
            } catch (ClosedChannelException interrupted) {
                entry.reset();
                entry.jvmLock.unlock();
                throw new LockInterruptedException("interrupted while locking: file=" + entry.path);
            } catch (IOException | RuntimeException e) {
                entry.jvmLock.unlock();
                throw new TransportException("cannot lock: file=" + entry.path + " cause=" + e, e);
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
                    ENTRIES.remove(entry.path);
                    entry.closeChannel();
                }
            }
        }
    }

    /** Thrown when a thread is interrupted while taking a lock. */
    static final class LockInterruptedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LockInterruptedException(String message) {
            super(message);
        }
    }

    static Handle open(Path file) {
        synchronized (ENTRIES) {
            Entry entry = ENTRIES.computeIfAbsent(file, Entry::new);
            entry.references++;
            return new Handle(entry);
        }
    }

    private static final class Entry {
        final Path path;
        final ReentrantLock jvmLock = new ReentrantLock();
        int references;
        private FileChannel channel;

        Entry(Path path) {
            this.path = path;
        }

        /** Called with {@link #jvmLock} held. */
        FileChannel channel() throws IOException {
            if (channel == null || !channel.isOpen()) {
                channel = FileChannel.open(path, Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE,
                        LinkOption.NOFOLLOW_LINKS));
            }
            return channel;
        }

        void reset() {
            channel = null;
        }

        void closeChannel() {
            jvmLock.lock();
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException e) {
                // nothing is held through it any more
            } finally {
                channel = null;
                jvmLock.unlock();
            }
        }
    }
}
