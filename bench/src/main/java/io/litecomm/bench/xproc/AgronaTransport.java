package io.litecomm.bench.xproc;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * Agrona's {@code OneToOneRingBuffer} over a memory-mapped file per direction (1 MiB ring, like a
 * litecomm channel's default). Receives drain up to 64 messages per {@code read}, Agrona's idiom.
 */
final class AgronaTransport implements Transport {

    static final int CAPACITY = 1 << 20;
    private static final int BATCH = 64;

    @Override
    public Endpoint open(Params p, Params.Role role) throws IOException {
        return new RingEndpoint(role.rx() == null ? null : ring(p.dir().resolve("agrona-" + role.rx())),
                role.tx() == null ? null : ring(p.dir().resolve("agrona-" + role.tx())));
    }

    private static OneToOneRingBuffer ring(Path file) throws IOException {
        int length = CAPACITY + RingBufferDescriptor.TRAILER_LENGTH;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_WRITE, 0, length);
            return new OneToOneRingBuffer(new UnsafeBuffer(map));
        }
    }

    /** Both directions of one process. */
    private static final class RingEndpoint implements Endpoint {
        private final OneToOneRingBuffer rx;
        private final OneToOneRingBuffer tx;
        private final UnsafeBuffer out = new UnsafeBuffer(new byte[Msg.SIZE]);
        private final byte[] batch = new byte[BATCH * Msg.SIZE];
        private final byte[] current = new byte[Msg.SIZE];
        private int filled;
        private int served;
        private final MessageHandler handler = this::onMessage;

        RingEndpoint(OneToOneRingBuffer rx, OneToOneRingBuffer tx) {
            this.rx = rx;
            this.tx = tx;
        }

        private void onMessage(int type, MutableDirectBuffer buffer, int index, int length) {
            buffer.getBytes(index, batch, filled * Msg.SIZE, Msg.SIZE);
            filled++;
        }

        @Override
        public void send(byte[] message) {
            out.wrap(message);
            while (!tx.write(1, out, 0, Msg.SIZE)) {
                Thread.onSpinWait();
            }
        }

        @Override
        public byte[] poll() {
            if (served == filled) {
                served = 0;
                filled = 0;
                rx.read(handler, BATCH);
                if (filled == 0) {
                    return null;
                }
            }
            System.arraycopy(batch, served * Msg.SIZE, current, 0, Msg.SIZE);
            served++;
            return current;
        }
    }
}
