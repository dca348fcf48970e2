package io.litecomm.reliability;

import io.litecomm.Channel;
import io.litecomm.Comm;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One incarnation of a producer of the kill-under-load test: sends messages 0, 1, 2, ... as fast as
 * the channel takes them and, after each {@code send} returns, stores the count of completed sends
 * in its record file (8 bytes, mapped, so the count survives SIGKILL in the page cache). The
 * committed messages of an incarnation are therefore 0 .. count-1, plus possibly the one whose
 * {@code send} was cut short by the kill. Arguments: domain, channel, producer, incarnation, record file.
 */
public final class LoadProducer {

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private LoadProducer() {
    }

    public static void main(String[] args) throws IOException {
        ChildSupport.watchParent();
        int producer = Integer.parseInt(args[2]);
        int incarnation = Integer.parseInt(args[3]);
        MappedByteBuffer record;
        try (FileChannel file = FileChannel.open(Path.of(args[4]), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            record = file.map(FileChannel.MapMode.READ_WRITE, 0, Long.BYTES);
        }
        try (Comm comm = Comm.open(Path.of(args[0]), LoadMessages.options())) {
            Channel<byte[]> channel = comm.channel(args[1], byte[].class, LoadMessages.CHANNEL);
            ChildSupport.say("PRODUCING " + producer + " " + incarnation);
            for (long sequence = 0; ; sequence++) {
                channel.send(LoadMessages.build(producer, incarnation, sequence));
                LONGS.setRelease(record, 0, sequence + 1);
            }
        }
    }
}
