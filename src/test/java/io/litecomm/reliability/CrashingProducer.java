package io.litecomm.reliability;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * Sends large checksummed messages as fast as it can and halts the JVM at a random moment, most
 * likely in the middle of writing a record: the producer that dies between claim and commit.
 * Arguments: domain, channel, message size, earliest halt (ms), latest halt (ms).
 */
public final class CrashingProducer {

    private CrashingProducer() {
    }

    public static void main(String[] args) {
        Path domain = Path.of(args[0]);
        int size = Integer.parseInt(args[2]);
        long earliest = Long.parseLong(args[3]);
        long latest = Long.parseLong(args[4]);
        Comm comm = Comm.open(domain);
        Channel<byte[]> channel = comm.channel(args[1], byte[].class,
                ChannelOptions.builder().capacity(1 << 22).maxMessageSize(1 << 20).build());
        Thread killer = new Thread(() -> {
            long delay = ThreadLocalRandom.current().nextLong(earliest, latest + 1);
            try {
                TimeUnit.MILLISECONDS.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(9);
        });
        killer.setDaemon(true);
        System.out.println("producing");
        killer.start();
        for (long sequence = 0; ; sequence++) {
            channel.send(message(sequence, size));
        }
    }

    /**
     * A message: sequence number, CRC-32C of the rest, then bytes derived from the sequence.
     *
     * @param sequence sequence number
     * @param size total bytes, at least 12
     * @return the message
     */
    static byte[] message(long sequence, int size) {
        byte[] bytes = new byte[size];
        for (int i = 12; i < size; i++) {
            bytes[i] = (byte) (sequence * 31 + i);
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 12, size - 12);
        ByteBuffer.wrap(bytes).putLong(sequence).putInt((int) crc.getValue());
        return bytes;
    }

    /**
     * Checks a message and returns its sequence number.
     *
     * @param bytes the message
     * @return its sequence
     * @throws AssertionError if damaged
     */
    static long verify(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        long sequence = b.getLong();
        int expected = b.getInt();
        CRC32C crc = new CRC32C();
        crc.update(bytes, 12, bytes.length - 12);
        if ((int) crc.getValue() != expected) {
            throw new AssertionError("damaged message: sequence=" + sequence + " length=" + bytes.length);
        }
        return sequence;
    }
}
