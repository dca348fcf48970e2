package io.litecomm.reliability;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.CorruptFileException;
import io.litecomm.SharedMemory;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Reads a channel and a store whose on-disk lengths were set to 2^31-1, in a JVM started with a
 * small heap by {@link SizeLimitsTest}: prints {@code CORRUPT allocated=<bytes> message=...} and
 * {@code STORE-CORRUPT allocated=<bytes> message=...}, or {@code OOM ...} and exits with 3 if
 * anything tried to allocate what the length says. Arguments: domain, channel.
 */
public final class HugeLengthReader {

    private HugeLengthReader() {
    }

    /**
     * Bytes allocated by the calling thread so far.
     *
     * @return the count
     */
    static long allocated() {
        try {
            // com.sun.management is not readable from the test module at compile time; at run time it is
            Method method = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
            return (Long) method.invoke(ManagementFactory.getThreadMXBean());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no thread allocation counter in this JVM", e);
        }
    }

    public static void main(String[] args) {
        ChildSupport.watchParent();
        try (Comm comm = Comm.open(Path.of(args[0]))) {
            Channel<byte[]> channel = comm.channel(args[1], byte[].class);
            // first use of JSON decoding and of a receive loads and builds things once: not what is measured
            Channel<Object> warm = comm.channel("warm-up");
            warm.send(Map.of("warm", List.of(1, "up")));
            warm.receive();
            long before = allocated();
            try {
                channel.receive(Duration.ofSeconds(5));
                ChildSupport.say("NO-ERROR");
            } catch (CorruptFileException e) {
                ChildSupport.say("CORRUPT allocated=" + (allocated() - before) + " message=" + e.getMessage());
            }
            SharedMemory memory = comm.sharedMemory();
            before = allocated();
            try {
                memory.get("k");
                ChildSupport.say("STORE-NO-ERROR");
            } catch (CorruptFileException e) {
                ChildSupport.say("STORE-CORRUPT allocated=" + (allocated() - before) + " message=" + e.getMessage());
            }
        } catch (OutOfMemoryError e) {
            ChildSupport.say("OOM " + e);
            System.exit(3);
        }
        System.exit(0);
    }
}
