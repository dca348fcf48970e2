package io.litecomm.mapped.mailbox;

import io.litecomm.mapped.file.DomainDirectory;
import io.litecomm.mapped.file.FileLocks;
import io.litecomm.mapped.inspect.MailboxLayout;
import io.litecomm.spi.MessageQueue;
import io.litecomm.spi.QueueSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A producer that dies (or stalls) exactly between claim and commit, following the real protocol
 * with the real producer registry: sends {@code count} whole messages, then claims space for one
 * more, writes half of it, and either halts ({@code die}) or waits for a line on stdin and finishes
 * the record ({@code stall}). Arguments: domain, channel, count, die|stall.
 */
public final class HalfWriter {

    static final QueueSpec SPEC = new QueueSpec("bytes", 1 << 16, 4096);
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private HalfWriter() {
    }

    public static void main(String[] args) throws IOException {
        Path domain = Path.of(args[0]);
        String name = args[1];
        int count = Integer.parseInt(args[2]);
        MailboxTransport transport = new MailboxTransport(DomainDirectory.open(domain));
        MessageQueue box = transport.openOrCreate(name, SPEC);
        for (int i = 0; i < count; i++) {
            box.offer(payload(i));
        }
        Path file = transport.fileOf(name);
        FileLocks.Handle locks = FileLocks.open(file);
        MappedByteBuffer map = locks.map(locks.size());
        ProducerRegistry registry = new ProducerRegistry(map, locks, file.toString(),
                () -> (long) LONGS.getVolatile(map, MailboxLayout.HEAD_OFFSET));
        byte[] last = payload(count);
        int frame = MailboxLayout.frameLength(last.length);
        int entry = registry.acquireEntry();
        long tail = (long) LONGS.getVolatile(map, MailboxLayout.TAIL_OFFSET);
        registry.record(entry, tail, tail + frame);
        if (!LONGS.compareAndSet(map, MailboxLayout.TAIL_OFFSET, tail, tail + frame)) {
            throw new IllegalStateException("someone else claimed");
        }
        int base = MailboxLayout.recordOffset((int) (tail & (SPEC.capacity() - 1)));
        map.put(base + MailboxLayout.RECORD_HEADER_LENGTH, last, 0, last.length / 2);
        System.out.println("claimed " + tail);
        System.out.flush();
        if ("die".equals(args[3])) {
            Runtime.getRuntime().halt(9);
        }
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        map.put(base + MailboxLayout.RECORD_HEADER_LENGTH, last);
        map.order(ByteOrder.LITTLE_ENDIAN).putInt(base + MailboxLayout.RECORD_LENGTH_OFFSET, last.length);
        map.putInt(base + MailboxLayout.RECORD_TYPE_OFFSET,
                MailboxLayout.checkWord(MailboxLayout.TYPE_MESSAGE, tail, last.length));
        LONGS.setRelease(map, base + MailboxLayout.RECORD_TAG_OFFSET, MailboxLayout.tagOf(tail));
        registry.clear(entry);
        System.out.println("committed");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }

    static byte[] payload(int i) {
        byte[] bytes = new byte[100];
        java.util.Arrays.fill(bytes, (byte) i);
        return bytes;
    }
}
