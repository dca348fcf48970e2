package io.litecomm.reliability;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.CommOptions;
import io.litecomm.SharedMemory;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;

/**
 * One of the processes of {@link ConcurrentCreationTest}. For each round r it marks itself ready in
 * the mapped control file, spins until the parent's start word reaches r, and then, at the same
 * instant as the others, opens the fresh domain {@code round-r}, creates (or opens) channel
 * {@code c}, sends one message, sets a key, increments "count" and publishes, and records the
 * inodes it saw. Arguments: control file, base directory, index, rounds.
 */
public final class CreationRacer {

    /** Bytes of one child's area of the control file; area 0 holds the start word. */
    static final int AREA = 64;
    static final int READY = 0;
    static final int DONE = 8;
    static final int CHANNEL_INODE = 16;
    static final int PAGE_INODE = 24;
    static final int RING_INODE = 32;
    /** A small channel, so creation is quick and the race window is the protocol's, not the disk's. */
    static final ChannelOptions SMALL = ChannelOptions.builder().capacity(4096).maxMessageSize(1024).build();
    /** A small pub/sub ring, for the same reason. */
    static final CommOptions OPTIONS = CommOptions.builder().pubSubCapacity(4096).build();

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private CreationRacer() {
    }

    static MappedByteBuffer map(Path control, int children) throws IOException {
        try (FileChannel file = FileChannel.open(control, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return file.map(FileChannel.MapMode.READ_WRITE, 0, (long) AREA * (children + 1));
        }
    }

    static long get(MappedByteBuffer control, int child, int field) {
        return (long) LONGS.getAcquire(control, AREA * (child + 1) + field);
    }

    static void put(MappedByteBuffer control, int child, int field, long value) {
        LONGS.setRelease(control, AREA * (child + 1) + field, value);
    }

    static long inode(Path file) throws IOException {
        return ((Number) Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
    }

    public static void main(String[] args) throws IOException {
        ChildSupport.watchParent();
        Path base = Path.of(args[1]);
        int index = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        MappedByteBuffer control = map(Path.of(args[0]), ConcurrentCreationTest.CHILDREN);
        for (int round = 1; round <= rounds; round++) {
            put(control, index, READY, round);
            long deadline = System.nanoTime() + ChildSupport.WAIT.toNanos();
            while ((long) LONGS.getAcquire(control, 0) < round) {
                ChildSupport.check(System.nanoTime() - deadline < 0, "no start signal for round " + round);
                LockSupport.parkNanos(20_000);
            }
            Path domain = base.resolve("round-" + round);
            try (Comm comm = Comm.open(domain, OPTIONS)) {
                Channel<String> channel = comm.channel("c", String.class, SMALL);
                channel.send(ConcurrentCreationTest.message(index, round));
                SharedMemory memory = comm.sharedMemory();
                memory.set("child-" + index, round);
                memory.update("count", n -> n == null ? 1 : ((Number) n).intValue() + 1);
                memory.publish("t", index);
                put(control, index, CHANNEL_INODE, inode(domain.resolve("c.chan")));
                put(control, index, PAGE_INODE, inode(domain.resolve("storage.page")));
                put(control, index, RING_INODE, inode(domain.resolve("pubsub.ring")));
            }
            put(control, index, DONE, round);
        }
        ChildSupport.say("RACED " + rounds);
        System.exit(0);
    }
}
