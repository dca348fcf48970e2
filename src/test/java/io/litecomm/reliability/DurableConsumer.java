package io.litecomm.reliability;

import io.litecomm.Channel;
import io.litecomm.Comm;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A consumer of the kill-under-load test that may itself be SIGKILLed: it records each message it
 * handled in a mapped result file (so the record survives the kill in the page cache) and publishes
 * the count of records last, so a kill leaves whole records only. A kill loses at most the one
 * message taken and not yet recorded: the at-most-once delivery of a dying receiver.
 *
 * <p>File: count of records (8 bytes), then records of {@link #ENTRY} bytes: producer (int),
 * incarnation (int), sequence (long), intact (byte). Prints {@code MARKER n} for the parent's
 * markers. Arguments: domain, channel, result file, capacity in records.
 */
public final class DurableConsumer {

    /** Bytes of one record. */
    static final int ENTRY = 17;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private DurableConsumer() {
    }

    /**
     * The size of a result file for {@code records} records.
     *
     * @param records how many records it can hold
     * @return its length in bytes
     */
    static long fileLength(long records) {
        return Long.BYTES + records * ENTRY;
    }

    public static void main(String[] args) throws IOException {
        ChildSupport.watchParent();
        long capacity = Long.parseLong(args[3]);
        MappedByteBuffer result;
        try (FileChannel file = FileChannel.open(Path.of(args[2]), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            result = file.map(FileChannel.MapMode.READ_WRITE, 0, fileLength(capacity));
        }
        long count = 0;
        try (Comm comm = Comm.open(Path.of(args[0]), LoadMessages.options())) {
            Channel<byte[]> channel = comm.channel(args[1], byte[].class, LoadMessages.CHANNEL);
            ChildSupport.say("CONSUMING");
            for (byte[] message : channel) {
                if (LoadMessages.reportMarker(message)) {
                    continue;
                }
                boolean intact = LoadMessages.intact(message);
                ByteBuffer b = ByteBuffer.wrap(message);
                int producer = message.length >= 4 ? b.getInt(0) : -1;
                if (count == capacity) {
                    throw new IllegalStateException("result file full: " + args[2]);
                }
                int at = (int) fileLength(count);
                result.putInt(at, producer);
                result.putInt(at + 4, message.length >= 8 ? b.getInt(4) : -1);
                result.putLong(at + 8, message.length >= 16 ? b.getLong(8) : -1);
                result.put(at + 16, (byte) (intact ? 1 : 0));
                LONGS.setRelease(result, 0, ++count);
            }
        }
        ChildSupport.say("DONE count=" + count);
        System.exit(0);
    }
}
