package io.litecomm.mapped.inspect;

import io.litecomm.mapped.file.FileKeys;
import io.litecomm.mapped.file.FileLocks;
import io.litecomm.spi.TransportException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A litecomm file opened for inspection through this JVM's one shared channel to it
 * ({@link FileLocks}), never through a channel of its own: closing a second channel to a file
 * would drop every {@code fcntl} lock this JVM holds on it (a producer slot, a writer lock), and
 * an inspection may run inside a process that uses the domain. Everything handed out is read-only:
 * inspecting never writes a byte.
 */
public final class InspectedFile implements AutoCloseable {

    private final Path file;
    private final FileLocks.Handle handle;
    private final Object fileKey;

    private InspectedFile(Path file, FileLocks.Handle handle, Object fileKey) {
        this.file = file;
        this.handle = handle;
        this.fileKey = fileKey;
    }

    /** The file is a symbolic link or not a regular file: litecomm never opens such a file. */
    public static final class RefusedException extends IOException {
        private static final long serialVersionUID = 1L;

        RefusedException(String message) {
            super(message);
        }
    }

    /**
     * Opens a file without following links.
     *
     * @param file the file
     * @return the opened file; close it
     * @throws java.nio.file.NoSuchFileException if there is no such file
     * @throws RefusedException if it is a symbolic link or not a regular file
     * @throws IOException if it cannot be opened
     */
    public static InspectedFile open(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attributes.isSymbolicLink()) {
            throw new RefusedException("refused: file is a symbolic link: file=" + file);
        }
        if (!attributes.isRegularFile()) {
            throw new RefusedException("refused: not a regular file: file=" + file);
        }
        try {
            return new InspectedFile(file, FileLocks.open(file), attributes.fileKey());
        } catch (TransportException e) {
            throw unwrap(e);
        }
    }

    private static IOException unwrap(TransportException e) {
        return e.getCause() instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }

    /**
     * The file.
     *
     * @return its path
     */
    public Path path() {
        return file;
    }

    /**
     * The file's length now.
     *
     * @return bytes
     * @throws IOException if it cannot be read
     */
    public long size() throws IOException {
        try {
            return handle.size();
        } catch (TransportException e) {
            throw unwrap(e);
        }
    }

    /**
     * Maps the file from offset 0, read-only.
     *
     * @param length bytes, at most {@link Integer#MAX_VALUE}
     * @return a read-only little-endian view of the mapping
     * @throws IOException if it cannot be mapped
     */
    public ByteBuffer map(long length) throws IOException {
        try {
            return handle.map(length).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        } catch (TransportException e) {
            throw unwrap(e);
        }
    }

    /**
     * Whether a process holds a byte of the lock region (a producer slot's owner holds its byte
     * for as long as it uses the file): probed with a lock taken and released at once; a byte this
     * JVM holds counts as held.
     *
     * @param index the byte, from {@link FileLocks#LOCK_REGION}
     * @return {@code true} if held, or if it cannot be told
     */
    public boolean lockByteHeld(int index) {
        FileLock probe;
        try {
            probe = handle.tryLockByte(index);
        } catch (TransportException e) {
            return true;
        }
        if (probe == null) {
            return true;
        }
        try {
            probe.release();
        } catch (IOException e) {
            // released with the shared channel, at the latest
        }
        return false;
    }

    /** The writer lock, held to keep writers out while a file is checked. */
    public interface WriterLock extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Takes the file's writer lock, as writers of this and other processes do, waiting at most
     * {@code waitNanos} for a writer in progress. The lock is taken and held by a thread of its
     * own (the in-JVM half of the lock belongs to the thread that took it), so that giving up is
     * an interrupt of that thread only, never of the caller's I/O.
     *
     * @param waitNanos how long to wait
     * @return the held lock, or {@code null} if a writer kept it that long
     */
    public WriterLock lockOutWriters(long waitNanos) {
        CompletableFuture<Boolean> got = new CompletableFuture<>();
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> hold(got, release), "litecomm-inspect-lock");
        holder.setDaemon(true);
        holder.start();
        boolean interrupted = false;
        boolean held = false;
        try {
            held = got.get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        } catch (TimeoutException | ExecutionException | CancellationException e) {
            // a writer holds it, or the lock failed: checked without it
        }
        if (!held && got.cancel(false)) {
            holder.interrupt();
        } else if (!held && !got.isCompletedExceptionally()) {
            held = true; // taken just as we gave up
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!held) {
            return null;
        }
        return () -> {
            release.countDown();
            join(holder);
        };
    }

    /** On the holder thread: takes the lock, reports it, holds it until released. */
    private void hold(CompletableFuture<Boolean> got, CountDownLatch release) {
        FileLocks.Held held;
        try {
            held = handle.lock();
        } catch (RuntimeException e) {
            got.completeExceptionally(e);
            return;
        }
        try {
            if (got.complete(Boolean.TRUE)) {
                release.await();
            }
        } catch (InterruptedException e) {
            // given up: release at once
        } finally {
            held.close();
        }
    }

    private static void join(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether the file's name now refers to another file, or to none (deleted, maybe re-created).
     *
     * @return {@code true} if replaced
     */
    public boolean replaced() {
        return FileKeys.replaced(file, fileKey);
    }

    @Override
    public void close() {
        handle.close();
    }
}
