package io.litecomm.bench.xproc;

import java.nio.file.Path;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * Chronicle Queue: one queue directory per direction, an appender in the sending process and a
 * tailer in the receiving one; each message is one excerpt of 64 raw bytes.
 */
final class ChronicleQueueTransport implements Transport {

    @Override
    public Endpoint open(Params p, Params.Role role) {
        ChronicleQueue rx = role.rx() == null ? null : queue(p.dir().resolve("cq-" + role.rx()));
        ChronicleQueue tx = role.tx() == null ? null : queue(p.dir().resolve("cq-" + role.tx()));
        return new QueueEndpoint(rx, tx);
    }

    private static ChronicleQueue queue(Path dir) {
        return SingleChronicleQueueBuilder.binary(dir.toFile()).build();
    }

    /** Both directions of one process. */
    private static final class QueueEndpoint implements Endpoint {
        private final ChronicleQueue rxQueue;
        private final ChronicleQueue txQueue;
        private final ExcerptTailer tailer;
        private final ExcerptAppender appender;
        private final Bytes<?> out = Bytes.allocateElasticDirect(Msg.SIZE);
        private final Bytes<?> in = Bytes.allocateElasticDirect(Msg.SIZE);
        private final byte[] current = new byte[Msg.SIZE];

        QueueEndpoint(ChronicleQueue rx, ChronicleQueue tx) {
            this.rxQueue = rx;
            this.txQueue = tx;
            this.tailer = rx == null ? null : rx.createTailer();
            this.appender = tx == null ? null : tx.createAppender();
        }

        @Override
        public void send(byte[] message) {
            out.clear();
            out.write(message, 0, Msg.SIZE);
            appender.writeBytes(out);
        }

        @Override
        public byte[] poll() {
            in.clear();
            if (!tailer.readBytes(in)) {
                return null;
            }
            in.read(current, 0, Msg.SIZE);
            return current;
        }

        @Override
        public void close() {
            if (appender != null) {
                appender.close();
            }
            if (tailer != null) {
                tailer.close();
            }
            if (rxQueue != null) {
                rxQueue.close();
            }
            if (txQueue != null) {
                txQueue.close();
            }
            out.releaseLast();
            in.releaseLast();
        }
    }
}
