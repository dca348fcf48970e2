package io.litecomm.mapped.mailbox;

import io.litecomm.mapped.file.DomainDirectory;
import io.litecomm.mapped.file.FileLocks;
import io.litecomm.mapped.inspect.MailboxLayout;
import io.litecomm.spi.MessageQueue;
import io.litecomm.spi.QueueSpec;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.Random;

/**
 * The dying producer of the half-written-record trials: on each of many channels it sends some
 * whole messages, then starts one more record and stops at a random point of the protocol (see
 * {@link Cut}); when every channel is prepared it calls {@code Runtime.halt}, and the OS releases
 * the producer-slot locks of all of them at once. One process death thus leaves many channels, each
 * with a record cut at its own random point, for the parent to recover.
 *
 * <p>Before the whole messages it sends and takes back a random number of messages itself, so the
 * cut record lands anywhere in the ring, wrapping ones included. Prints one line per channel:
 * {@code TRIAL channel warm committed cut cutBytes frame} where {@code committed} counts the whole
 * messages the reader must get, then {@code PREPARED} and halts with status 9.
 * Arguments: domain, first channel number, channels, seed.
 */
public final class HalfRecords {

    /** The channel of every trial. */
    public static final QueueSpec SPEC = new QueueSpec("bytes", 1 << 16, 4096);
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** Where the last record's writing stops; the order of {@code Mailbox.claimAndWrite}. */
    public enum Cut {
        /** A claim entry taken, no claim recorded. */
        ENTRY_ONLY,
        /** Claim recorded in the producer slot, tail not yet moved. */
        RECORDED,
        /** Tail moved: the space is claimed, nothing written. */
        CLAIMED,
        /** Part of the payload written (when the record wraps: padding and part of the payload). */
        PART_PAYLOAD,
        /** The whole payload, no length. */
        PAYLOAD,
        /** Payload and length, no check word. */
        LENGTH,
        /** Everything but the tag. */
        CHECK_WORD,
        /** The tag stored: committed, though the claim entry was never cleared. */
        TAGGED
    }

    private HalfRecords() {
    }

    /**
     * The payload of message {@code index} of a channel: its length and bytes follow from both.
     *
     * @param channel the trial's channel number
     * @param index the message's index in the channel
     * @return the payload
     */
    public static byte[] payload(int channel, int index) {
        Random random = new Random(channel * 1_000_003L + index);
        byte[] bytes = new byte[random.nextInt(SPEC.maxMessageLength() + 1)];
        random.nextBytes(bytes);
        return bytes;
    }

    /**
     * The channel name of a trial.
     *
     * @param channel the trial's channel number
     * @return its name
     */
    public static String name(int channel) {
        return "half-" + channel;
    }

    public static void main(String[] args) throws IOException {
        Path domain = Path.of(args[0]);
        int first = Integer.parseInt(args[1]);
        int channels = Integer.parseInt(args[2]);
        Random random = new Random(Long.parseLong(args[3]));
        MailboxTransport transport = new MailboxTransport(DomainDirectory.open(domain));
        StringBuilder manifest = new StringBuilder();
        for (int c = first; c < first + channels; c++) {
            MessageQueue box = transport.openOrCreate(name(c), SPEC);
            int warm = random.nextInt(40);
            for (int i = 0; i < warm; i++) {
                box.offer(new byte[random.nextInt(SPEC.maxMessageLength() + 1)]);
                box.poll();
            }
            int whole = random.nextInt(6);
            for (int i = 0; i < whole; i++) {
                if (box.offer(payload(c, i)) != MessageQueue.OFFERED) {
                    throw new IllegalStateException("offer failed on " + name(c));
                }
            }
            Cut cut = Cut.values()[random.nextInt(Cut.values().length)];
            int[] written = cutRecord(transport.fileOf(name(c)), payload(c, whole), cut, random);
            int committed = whole + (cut == Cut.TAGGED ? 1 : 0);
            manifest.append("TRIAL ").append(c).append(' ').append(warm).append(' ').append(committed).append(' ')
                    .append(cut).append(' ').append(written[0]).append(' ').append(written[1]).append('\n');
        }
        System.out.print(manifest);
        System.out.println("PREPARED");
        System.out.flush();
        Runtime.getRuntime().halt(9);
    }

    /** Writes the record up to the cut, as {@code Mailbox.claimAndWrite} would; returns {payload bytes written, frame}. */
    private static int[] cutRecord(Path file, byte[] last, Cut cut, Random random) {
        FileLocks.Handle locks = FileLocks.open(file);
        MappedByteBuffer map = locks.map(locks.size());
        ProducerRegistry registry = new ProducerRegistry(map, locks, file.toString(),
                () -> (long) LONGS.getVolatile(map, MailboxLayout.HEAD_OFFSET));
        int capacity = SPEC.capacity();
        int frame = MailboxLayout.frameLength(last.length);
        int entry = registry.acquireEntry();
        if (cut == Cut.ENTRY_ONLY) {
            return new int[] {0, frame};
        }
        long tail = (long) LONGS.getVolatile(map, MailboxLayout.TAIL_OFFSET);
        int offset = (int) (tail & (capacity - 1));
        int toEnd = capacity - offset;
        int required = frame <= toEnd ? frame : toEnd + frame;
        registry.record(entry, tail, tail + required);
        if (cut == Cut.RECORDED) {
            return new int[] {0, frame};
        }
        if (!LONGS.compareAndSet(map, MailboxLayout.TAIL_OFFSET, tail, tail + required)) {
            throw new IllegalStateException("someone else claimed on " + file);
        }
        if (cut == Cut.CLAIMED) {
            return new int[] {0, frame};
        }
        long position = tail;
        if (frame > toEnd) {
            write(map, offset, position, MailboxLayout.TYPE_PADDING, toEnd - MailboxLayout.RECORD_HEADER_LENGTH, null,
                    Cut.TAGGED);
            position += toEnd;
            offset = 0;
        }
        int bytes = cut == Cut.PART_PAYLOAD ? random.nextInt(last.length + 1) : last.length;
        byte[] partial = java.util.Arrays.copyOf(last, bytes);
        write(map, offset, position, MailboxLayout.TYPE_MESSAGE, last.length, partial, cut);
        return new int[] {bytes, frame};
    }

    private static void write(MappedByteBuffer map, int ringOffset, long position, int type, int length, byte[] payload,
                              Cut cut) {
        int base = MailboxLayout.recordOffset(ringOffset);
        if (payload != null) {
            map.put(base + MailboxLayout.RECORD_HEADER_LENGTH, payload, 0, payload.length);
        }
        if (cut.compareTo(Cut.LENGTH) < 0) {
            return;
        }
        INTS.set(map, base + MailboxLayout.RECORD_LENGTH_OFFSET, length);
        if (cut.compareTo(Cut.CHECK_WORD) < 0) {
            return;
        }
        INTS.set(map, base + MailboxLayout.RECORD_TYPE_OFFSET, MailboxLayout.checkWord(type, position, length));
        if (cut == Cut.TAGGED) {
            LONGS.setRelease(map, base + MailboxLayout.RECORD_TAG_OFFSET, MailboxLayout.tagOf(position));
        }
    }
}
