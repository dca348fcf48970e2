package io.litecomm.reliability;

import io.litecomm.Channel;
import io.litecomm.Comm;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A consumer of the kill-under-load test: receives until the channel is closed and drained and
 * writes one entry per message to its result file: producer (int), incarnation (int), sequence
 * (long), intact (byte). Prints {@code MARKER n} when the parent's final message arrives, then
 * {@code DONE count=.. damaged=..}. Arguments: domain, channel, result file.
 */
public final class LoadConsumer {

    /** Bytes of one result entry. */
    static final int ENTRY = 17;

    private LoadConsumer() {
    }

    public static void main(String[] args) throws IOException {
        ChildSupport.watchParent();
        long count = 0;
        long damaged = 0;
        try (Comm comm = Comm.open(Path.of(args[0]), LoadMessages.options());
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(args[2]), 1 << 16))) {
            Channel<byte[]> channel = comm.channel(args[1], byte[].class, LoadMessages.CHANNEL);
            ChildSupport.say("CONSUMING");
            for (byte[] message : channel) {
                if (LoadMessages.reportMarker(message)) {
                    continue;
                }
                boolean intact = LoadMessages.intact(message);
                ByteBuffer b = ByteBuffer.wrap(message);
                int producer = message.length >= 4 ? b.getInt(0) : -1;
                count++;
                if (!intact) {
                    damaged++;
                    ChildSupport.say("DAMAGED length=" + message.length);
                }
                out.writeInt(producer);
                out.writeInt(message.length >= 8 ? b.getInt(4) : -1);
                out.writeLong(message.length >= 16 ? b.getLong(8) : -1);
                out.writeByte(intact ? 1 : 0);
            }
        }
        ChildSupport.say("DONE count=" + count + " damaged=" + damaged);
        System.exit(0);
    }
}
