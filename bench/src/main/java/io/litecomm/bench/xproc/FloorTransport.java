package io.litecomm.bench.xproc;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The floor under every mapped-file transport: one 64-byte slot per direction in a mapped file,
 * published by a release store of a sequence number and read by an acquire load, with
 * {@code java.nio} only (what litecomm may use). Single producer, single consumer, latency only: the
 * sender waits until the receiver has taken the previous message.
 */
final class FloorTransport implements Transport {

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    /** Sequence published by the sender. */
    private static final int SENT = 0;
    /** Sequence taken by the receiver, on its own cache line. */
    private static final int TAKEN = 128;
    private static final int PAYLOAD = 256;

    @Override
    public Endpoint open(Params p, Params.Role role) throws IOException {
        return new SlotEndpoint(role.rx() == null ? null : map(p.dir().resolve("floor-" + role.rx())),
                role.tx() == null ? null : map(p.dir().resolve("floor-" + role.tx())));
    }

    private static MappedByteBuffer map(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            return ch.map(FileChannel.MapMode.READ_WRITE, 0, 4096);
        }
    }

    /** Both directions of one process. */
    private static final class SlotEndpoint implements Endpoint {
        private final MappedByteBuffer rx;
        private final MappedByteBuffer tx;
        private final byte[] current = new byte[Msg.SIZE];
        private long received;
        private long sent;

        SlotEndpoint(MappedByteBuffer rx, MappedByteBuffer tx) {
            this.rx = rx;
            this.tx = tx;
        }

        @Override
        public void send(byte[] message) {
            while ((long) LONGS.getAcquire(tx, TAKEN) != sent) {
                Thread.onSpinWait();
            }
            tx.put(PAYLOAD, message, 0, Msg.SIZE);
            LONGS.setRelease(tx, SENT, ++sent);
        }

        @Override
        public byte[] poll() {
            if ((long) LONGS.getAcquire(rx, SENT) == received) {
                return null;
            }
            rx.get(PAYLOAD, current, 0, Msg.SIZE);
            LONGS.setRelease(rx, TAKEN, ++received);
            return current;
        }
    }
}
