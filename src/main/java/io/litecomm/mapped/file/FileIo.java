package io.litecomm.mapped.file;

import io.litecomm.spi.TransportException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Threads that run {@code FileChannel} I/O for one owner (a {@link DomainDirectory}, or a handle
 * opened without one), so that no interrupt of a caller ever reaches the shared channel: a thread
 * interrupted during a read, a map or a size query closes the channel for the whole JVM, and with
 * it every lock the JVM holds on the file.
 *
 * <p>Threads ({@code litecomm-file-io}, then {@code -<directory name>} for a domain's) are created
 * on demand and an idle one ends after a second; {@link #close()} ends the idle ones at once and
 * refuses new work. Work already running is never interrupted (only {@code shutdown}, never
 * {@code shutdownNow}).
 */
final class FileIo implements AutoCloseable {

    /** Name (or name prefix) of the threads. */
    static final String THREAD_NAME = "litecomm-file-io";

    private final ThreadPoolExecutor pool;

    /** Threads named {@value #THREAD_NAME}. */
    FileIo() {
        this(THREAD_NAME);
    }

    /**
     * Threads named {@code threadName}.
     *
     * @param threadName their name
     */
    FileIo(String threadName) {
        pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 1, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** An I/O call on a channel. */
    @FunctionalInterface
    interface IoCall<T> {
        T call() throws IOException;
    }

    /**
     * Runs channel I/O on one of these threads. The caller waits without being interruptible; its
     * interrupt flag is kept.
     *
     * @param call the I/O
     * @param file the file, for messages
     * @param <T> result type
     * @return the call's result
     * @throws TransportException if the call fails, or if this is closed
     */
    <T> T run(IoCall<T> call, Path file) {
        Future<T> future;
        try {
            future = pool.submit(call::call);
        } catch (RejectedExecutionException e) {
            throw new TransportException("file I/O after close: file=" + file, e);
        }
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
                    if (cause instanceof NoSuchFileException missing) {
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

    /** Ends the idle threads now, the busy ones when their call returns; later calls are refused. */
    @Override
    public void close() {
        pool.shutdown();
    }
}
