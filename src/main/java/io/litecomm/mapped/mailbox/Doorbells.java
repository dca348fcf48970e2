package io.litecomm.mapped.mailbox;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Doorbells over Unix-domain sockets: how a sleeping receiver is woken by a sender in another
 * process faster than by parking. Each sleeping thread owns a {@link Bell}, a listening socket
 * {@code .bell-<pid>-<n>.sock} in the domain directory, mode {@code rw-------} whatever the umask
 * as every file of the domain; a sender connects once per bell (the connection is kept) and writes
 * one byte to ring it. A bell whose socket is gone belongs to a dead receiver: {@link #ring} says
 * so and the caller drops it.
 *
 * <p>Bells are pooled, not kept per thread: a sleeper takes one with {@link #bell()} and gives it
 * back with {@link Bell#release()} once it is off every sleeper table. So the number of bells (three
 * file descriptors each) follows the number of threads asleep at one time, not the number of threads
 * that ever slept, which with virtual threads is unbounded. A bell handed on may carry a ring meant
 * for its previous holder; that costs its next holder one spurious wake-up and a re-check.
 */
public final class Doorbells implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Doorbells.class);
    private static final int SEQUENCE_BITS = 24;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final Path directory;
    private final ConcurrentLinkedQueue<Bell> idle = new ConcurrentLinkedQueue<>();
    private final CopyOnWriteArrayList<Bell> all = new CopyOnWriteArrayList<>();
    private final Map<Long, SocketChannel> connections = new ConcurrentHashMap<>();
    private final boolean available;
    private volatile boolean closed;

    /**
     * Doorbells in a domain directory.
     *
     * @param directory where bell sockets live
     */
    public Doorbells(Path directory) {
        this.directory = directory;
        this.available = path(Long.MAX_VALUE).toString().length() < 100;
    }

    /**
     * Whether bells work here (the socket path is short enough).
     *
     * @return {@code true} if usable
     */
    public boolean available() {
        return available && !closed;
    }

    private Path path(long bellId) {
        return directory.resolve(".bell-" + (bellId >>> SEQUENCE_BITS) + "-" + (bellId & ((1 << SEQUENCE_BITS) - 1)) + ".sock");
    }

    /**
     * A bell for the calling thread to sleep on: an idle one from the pool, else a new one. The
     * caller owns it until it calls {@link Bell#release()}, which it must do once the bell is off
     * every sleeper table.
     *
     * @return the bell, or {@code null} if bells are unavailable or a new one cannot be created
     */
    public Bell bell() {
        if (!available()) {
            return null;
        }
        Bell bell = idle.poll();
        if (bell != null) {
            return bell;
        }
        long id = ProcessHandle.current().pid() << SEQUENCE_BITS | SEQUENCE.incrementAndGet() & ((1 << SEQUENCE_BITS) - 1);
        try {
            bell = new Bell(this, id, path(id));
        } catch (IOException e) {
            LOG.warn("doorbell unavailable, falling back to parking: dir={} cause={}", directory, e.toString());
            return null;
        }
        all.add(bell);
        if (closed) {
            bell.close();
            return null;
        }
        return bell;
    }

    private void release(Bell bell) {
        if (!closed) {
            idle.offer(bell);
        }
    }

    /**
     * Rings a bell.
     *
     * @param bellId the bell
     * @return {@code false} if the bell is gone (its receiver died)
     */
    public boolean ring(long bellId) {
        SocketChannel channel = connections.get(bellId);
        try {
            if (channel == null) {
                channel = SocketChannel.open(UnixDomainSocketAddress.of(path(bellId)));
                channel.configureBlocking(false);
                SocketChannel raced = connections.putIfAbsent(bellId, channel);
                if (raced != null) {
                    channel.close();
                    channel = raced;
                }
            }
            channel.write(ByteBuffer.wrap(new byte[] {1}));
            return true;
        } catch (IOException e) {
            // refused or reset: nobody listens on that bell any more
            SocketChannel dead = connections.remove(bellId);
            if (dead != null) {
                closeQuietly(dead);
            }
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Bell bell : all) {
            bell.close();
        }
        for (SocketChannel channel : connections.values()) {
            closeQuietly(channel);
        }
        connections.clear();
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // nothing more to do
        }
    }

    /** One thread's doorbell: a listening socket and the connections of the senders that ring it. */
    public static final class Bell {
        private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

        private final Doorbells owner;
        private final long id;
        private final Path path;
        private final ServerSocketChannel server;
        private final Selector selector;
        private final ByteBuffer drain = ByteBuffer.allocate(256);
        /** Connections accepted from senders: closing the selector does not close them. */
        private final Set<SocketChannel> accepted = ConcurrentHashMap.newKeySet();

        Bell(Doorbells owner, long id, Path path) throws IOException {
            this.owner = owner;
            this.id = id;
            this.path = path;
            Files.deleteIfExists(path);
            this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            Selector opened = null;
            try {
                server.bind(UnixDomainSocketAddress.of(path));
                ownerOnly(path);
                server.configureBlocking(false);
                opened = Selector.open();
                server.register(opened, SelectionKey.OP_ACCEPT);
            } catch (IOException | RuntimeException e) {
                // out of descriptors, say: leave neither the socket nor its file behind
                if (opened != null) {
                    closeQuietly(opened);
                }
                closeQuietly(server);
                Files.deleteIfExists(path);
                throw e;
            }
            this.selector = opened;
        }

        /**
         * Makes a bound socket {@code rw-------} like every file of the domain: bind creates it with
         * the process umask, so under {@code umask 000} it would be {@code rwxrwxrwx}.
         */
        private static void ownerOnly(Path socket) throws IOException {
            try {
                Files.setPosixFilePermissions(socket, OWNER_ONLY);
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the domain directory's own protection is all there is
            }
        }

        /**
         * The bell's id, to register in a queue's sleeper table.
         *
         * @return the id
         */
        public long id() {
            return id;
        }

        /**
         * Gives the bell back to its pool for the next sleeper; the caller must not use it after.
         */
        public void release() {
            owner.release(this);
        }

        /**
         * Sleeps until rung or for at most {@code nanos}.
         *
         * @param nanos longest sleep
         */
        public void await(long nanos) {
            try {
                long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos));
                if (selector.select(millis) > 0) {
                    handle();
                }
            } catch (IOException | ClosedSelectorException e) {
                // closed with its domain: the caller sees that and stops waiting
            }
        }

        private void handle() throws IOException {
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                if (key.isAcceptable()) {
                    SocketChannel connection = server.accept();
                    if (connection != null) {
                        accepted.add(connection);
                        try {
                            connection.configureBlocking(false);
                            connection.register(selector, SelectionKey.OP_READ);
                        } catch (IOException | ClosedSelectorException e) {
                            accepted.remove(connection);
                            closeQuietly(connection);
                            throw e;
                        }
                    }
                } else if (key.isReadable()) {
                    SocketChannel channel = (SocketChannel) key.channel();
                    drain.clear();
                    if (channel.read(drain) < 0) {
                        key.cancel();
                        accepted.remove(channel);
                        channel.close();
                    }
                }
            }
        }

        void close() {
            closeQuietly(selector);
            closeQuietly(server);
            for (SocketChannel connection : accepted) {
                closeQuietly(connection);
            }
            accepted.clear();
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // a stale socket file is ignored by senders once nobody listens
            }
        }
    }
}
