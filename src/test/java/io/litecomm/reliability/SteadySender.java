package io.litecomm.reliability;

import io.litecomm.Channel;
import io.litecomm.Comm;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

/**
 * Sends checksummed messages 0, 1, 2, ... of random sizes from 64 KiB to the channel's maximum as
 * fast as the channel takes them, until the parent sends {@code stop}; then prints {@code SENT n}.
 * A message is the sequence (8 bytes), the CRC-32C of the rest (4 bytes, as
 * {@link CrashingProducer#verify} checks) and a slice of a fixed random body: building one costs about
 * what copying it into the channel costs, so a random pause often lands inside a record.
 * Arguments: domain, channel.
 */
public final class SteadySender {

    private static final byte[] BODY = new byte[PausedProducerTest.STEADY.maxMessageSize()];

    static {
        new Random(42).nextBytes(BODY);
    }

    private SteadySender() {
    }

    static byte[] message(long sequence, int size) {
        byte[] bytes = new byte[size];
        System.arraycopy(BODY, 0, bytes, 12, size - 12);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 12, size - 12);
        ByteBuffer.wrap(bytes).putLong(sequence).putInt((int) crc.getValue());
        return bytes;
    }

    public static void main(String[] args) {
        ChildSupport commands = ChildSupport.watchParent();
        try (Comm comm = Comm.open(Path.of(args[0]), PausedProducerTest.options())) {
            Channel<byte[]> channel = comm.channel(args[1], byte[].class, PausedProducerTest.STEADY);
            int max = PausedProducerTest.STEADY.maxMessageSize();
            ChildSupport.say("SENDING");
            long sequence = 0;
            while (commands.poll() == null) {
                int size = ThreadLocalRandom.current().nextInt(64 * 1024, max + 1);
                channel.send(message(sequence, size));
                sequence++;
            }
            ChildSupport.say("SENT " + sequence);
        }
        System.exit(0);
    }
}
