package io.litecomm.bench.xproc;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A ring of 64-byte slots in a mapped file per direction, every send and every receive inside a
 * {@code FileLock} of the whole file ({@code fcntl}): header {@code head} at 0, {@code tail} at 8,
 * slots from 64.
 */
final class FileLockTransport implements Transport {

    private static final int SLOTS = 1024;
    private static final int HEAD = 0;
    private static final int TAIL = 8;
    private static final int BASE = 64;

    @Override
    public Endpoint open(Params p, Params.Role role) throws IOException {
        return new LockedEndpoint(role.rx() == null ? null : new Lane(p.dir().resolve("lock-" + role.rx())),
                role.tx() == null ? null : new Lane(p.dir().resolve("lock-" + role.tx())));
    }

    /** One direction: a mapped ring and this process's channel to lock it. */
    private static final class Lane {
        private final FileChannel ch;
        private final MappedByteBuffer map;

        Lane(Path file) throws IOException {
            ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            map = ch.map(FileChannel.MapMode.READ_WRITE, 0, BASE + (long) SLOTS * Msg.SIZE);
        }

        boolean offer(byte[] message) throws IOException {
            FileLock lock = ch.lock();
            try {
                long head = map.getLong(HEAD);
                long tail = map.getLong(TAIL);
                if (tail - head >= SLOTS) {
                    return false;
                }
                map.put(BASE + (int) (tail % SLOTS) * Msg.SIZE, message, 0, Msg.SIZE);
                map.putLong(TAIL, tail + 1);
                return true;
            } finally {
                lock.release();
            }
        }

        boolean poll(byte[] into) throws IOException {
            FileLock lock = ch.lock();
            try {
                long head = map.getLong(HEAD);
                if (head == map.getLong(TAIL)) {
                    return false;
                }
                map.get(BASE + (int) (head % SLOTS) * Msg.SIZE, into, 0, Msg.SIZE);
                map.putLong(HEAD, head + 1);
                return true;
            } finally {
                lock.release();
            }
        }

        void close() throws IOException {
            ch.close();
        }
    }

    /** Both directions of one process. */
    private static final class LockedEndpoint implements Endpoint {
        private final Lane rx;
        private final Lane tx;
        private final byte[] current = new byte[Msg.SIZE];

        LockedEndpoint(Lane rx, Lane tx) {
            this.rx = rx;
            this.tx = tx;
        }

        @Override
        public void send(byte[] message) throws IOException {
            while (!tx.offer(message)) {
                Thread.onSpinWait();
            }
        }

        @Override
        public byte[] poll() throws IOException {
            return rx.poll(current) ? current : null;
        }

        @Override
        public void close() throws IOException {
            if (rx != null) {
                rx.close();
            }
            if (tx != null) {
                tx.close();
            }
        }
    }
}
