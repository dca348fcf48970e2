package io.litecomm.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.WaitStrategy;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sender written from {@code docs/FORMAT.md} alone (4.1 sending, 4.5 the producer slot, 4.6
 * ringing the doorbells), using none of litecomm's classes, delivers to a {@code BLOCKING}
 * receiver asleep on its bell: the bell is where the document says (sleeper mask at 768, bell id at
 * 7168 + 64 i, socket {@code .bell-<pid>-<n>.sock}), accepts the ring, and the receiver takes the
 * message and leaves the table as it found it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DocumentSenderTest {

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path root;

    @Test
    void aSenderFollowingTheDocumentWakesABlockingReceiver() throws Exception {
        Path domain = root.resolve("domain");
        ChannelOptions options = ChannelOptions.builder().capacity(4096).maxMessageSize(1024)
                .waitStrategy(WaitStrategy.BLOCKING).build();
        try (Comm comm = Comm.open(domain)) {
            Channel<String> channel = comm.channel("bell", String.class, options);
            CompletableFuture<Optional<String>> received = CompletableFuture.supplyAsync(
                    () -> channel.receive(Duration.ofSeconds(30)));
            try (FileChannel file = FileChannel.open(domain.resolve("bell.chan"), StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                MappedByteBuffer map = file.map(FileChannel.MapMode.READ_WRITE, 0, file.size());
                await(() -> (int) INTS.getVolatile(map, 768) != 0, "a receiver registered in the sleeper mask");
                int mask = (int) INTS.getVolatile(map, 768) & 0xFFFF;
                assertEquals(1, Integer.bitCount(mask), "one sleeper");
                int slot = Integer.numberOfTrailingZeros(mask);
                await(() -> (long) LONGS.getVolatile(map, 7168 + 64 * slot) != 0, "its bell id stored");
                long bellId = (long) LONGS.getVolatile(map, 7168 + 64 * slot);
                assertEquals(ProcessHandle.current().pid(), bellId >>> 24, "the pid in the bell id");
                Path socket = domain.resolve(".bell-" + (bellId >>> 24) + "-" + (bellId & 0xFFFFFF) + ".sock");
                assertTrue(Files.exists(socket), "bell socket at the documented path: " + socket);

                byte[] payload = "\"from the document\"".getBytes(StandardCharsets.UTF_8);
                try (FileLock slotLock = ownProducerSlot(file, map)) {
                    assertNotNull(slotLock, "a free producer slot");
                    send(map, slotLock, payload);
                }
                ringBells(map, domain);
                assertEquals(Optional.of("from the document"), received.get(20, TimeUnit.SECONDS));
                // the receiver unregistered before it returned: the table is as it found it
                assertEquals(0, (int) INTS.getVolatile(map, 768), "sleeper mask after the receive");
                assertEquals(0L, (long) LONGS.getVolatile(map, 7168 + 64 * slot), "bell slot after the receive");
            }
        }
    }

    /** FORMAT.md 4.5: the first slot whose lock byte 2^40 + i can be taken and whose claims are resolved. */
    private static FileLock ownProducerSlot(FileChannel file, MappedByteBuffer map) throws IOException {
        for (int i = 0; i < 48; i++) {
            FileLock lock = file.tryLock((1L << 40) + i, 1, false);
            if (lock == null) {
                continue;
            }
            long head = (long) LONGS.getVolatile(map, 640);
            boolean resolved = true;
            for (int entry = 0; entry < 7; entry++) {
                resolved &= (long) LONGS.getAcquire(map, 1024 + 128 * i + 16 + 16 * entry + 8) <= head;
            }
            if (!resolved) {
                lock.release();
                continue;
            }
            for (int entry = 0; entry < 7; entry++) {
                LONGS.setRelease(map, 1024 + 128 * i + 16 + 16 * entry + 8, 0L);
            }
            LONGS.setRelease(map, 1024 + 128 * i, ProcessHandle.current().pid());
            return lock;
        }
        return null;
    }

    /** FORMAT.md 4.1, with the claim recorded in entry 0 of the slot (4.5). */
    private static void send(MappedByteBuffer map, FileLock slotLock, byte[] payload) {
        int slot = (int) (slotLock.position() - (1L << 40));
        int capacity = map.getInt(16);
        int frame = (16 + payload.length + 15) & ~15;
        int claimStart = 1024 + 128 * slot + 16;
        while (true) {
            long tail = (long) LONGS.getVolatile(map, 512);
            assertEquals(0, tail & (1L << 63), "not closed");
            int offset = (int) (tail & (capacity - 1));
            int toEnd = capacity - offset;
            int required = frame <= toEnd ? frame : toEnd + frame;
            long head = (long) LONGS.getVolatile(map, 640);
            assertTrue(tail + required - head <= capacity, "room");
            LONGS.setOpaque(map, claimStart, tail);
            LONGS.setRelease(map, claimStart + 8, tail + required);
            if (LONGS.compareAndSet(map, 512, tail, tail + required)) {
                long position = tail;
                if (frame > toEnd) {
                    writeRecord(map, offset, position, 2, toEnd - 16, null);
                    position += toEnd;
                    offset = 0;
                }
                writeRecord(map, offset, position, 1, payload.length, payload);
                LONGS.setRelease(map, claimStart + 8, 0L);
                return;
            }
            LONGS.setRelease(map, claimStart + 8, 0L);
        }
    }

    private static void writeRecord(MappedByteBuffer map, int offset, long position, int type, int length, byte[] payload) {
        int base = 8192 + offset;
        if (payload != null) {
            map.put(base + 16, payload);
        }
        INTS.set(map, base + 8, length);
        INTS.set(map, base + 12, DocumentReader.checkWord(type, position, length));
        LONGS.setRelease(map, base, position + 1);
    }

    /** FORMAT.md 4.6, a sender after its commit: full fence, the mask, each bell id, one byte each. */
    private static void ringBells(MappedByteBuffer map, Path domain) throws IOException {
        VarHandle.fullFence();
        int mask = (int) INTS.getVolatile(map, 768) & 0xFFFF;
        // 0 is possible: a receiver between two sleeps; it looks at the head before it sleeps again
        for (int remaining = mask; remaining != 0; remaining &= remaining - 1) {
            int slot = Integer.numberOfTrailingZeros(remaining);
            long bellId = (long) LONGS.getVolatile(map, 7168 + 64 * slot);
            if (bellId == 0) {
                continue;
            }
            Path socket = domain.resolve(".bell-" + (bellId >>> 24) + "-" + (bellId & 0xFFFFFF) + ".sock");
            try (SocketChannel bell = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                assertTrue(bell.connect(UnixDomainSocketAddress.of(socket)), "connected to " + socket);
                bell.write(ByteBuffer.wrap(new byte[] {1}));
            }
        }
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            LockSupport.parkNanos(100_000);
        }
    }
}
