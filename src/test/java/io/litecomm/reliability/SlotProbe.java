package io.litecomm.reliability;

import static io.litecomm.reliability.ChildSupport.check;
import static io.litecomm.reliability.ChildSupport.say;

import io.litecomm.mapped.mailbox.MailboxTransport;
import io.litecomm.mapped.file.DomainDirectory;
import io.litecomm.mapped.file.FileLocks;
import io.litecomm.mapped.inspect.MailboxLayout;
import io.litecomm.mapped.mailbox.Mailbox;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Looks at a mailbox's producer table from another process, for {@link TwoCommsOneJvmTest}, and
 * consumes with a 300 ms recovery bound. Arguments: domain, channel, the pid whose slots to look at.
 * Commands: {@code live} (prints {@code LIVE n}, the live producer slots), {@code claim-dead} /
 * {@code claim-live} (records an unfinished claim at the tail in entry 6 of a slot of that pid whose
 * lock is free / held, and moves the tail past it, as a producer dying or pausing mid-message would),
 * {@code poll-until-message} (prints {@code RECEIVED text ms=..}), {@code poll-for ms} (prints
 * {@code NOTHING} or {@code STOLEN text}), {@code commit} (finishes the claimed record as a message
 * {@code "fake"}) and {@code exit}.
 */
public final class SlotProbe {

    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int ENTRY = MailboxLayout.CLAIM_ENTRIES - 1;
    private static final byte[] FAKE = "\"fake\"".getBytes(StandardCharsets.UTF_8);

    private final Mailbox mailbox;
    private final FileLocks.Handle locks;
    private final MappedByteBuffer map;
    private final long pid;
    private final int capacity;
    private long claimed = -1;
    private int claimSlot = -1;

    private SlotProbe(Path domain, String channel, long pid) {
        MailboxTransport transport = new MailboxTransport(DomainDirectory.open(domain), Duration.ofMillis(300));
        this.mailbox = (Mailbox) transport.openExisting(channel).orElseThrow();
        this.locks = FileLocks.open(transport.fileOf(channel));
        this.map = locks.map(locks.size());
        this.pid = pid;
        this.capacity = mailbox.capacity();
    }

    public static void main(String[] args) throws IOException {
        ChildSupport commands = ChildSupport.watchParent();
        SlotProbe probe = new SlotProbe(Path.of(args[0]), args[1], Long.parseLong(args[2]));
        say("PROBING");
        while (true) {
            String[] command = commands.next().split(" ");
            switch (command[0]) {
                case "live" -> say("LIVE " + probe.mailbox.liveProducers());
                case "claim-dead" -> probe.claim(false);
                case "claim-live" -> probe.claim(true);
                case "poll-until-message" -> probe.pollUntilMessage();
                case "poll-for" -> probe.pollFor(Long.parseLong(command[1]));
                case "commit" -> probe.commit();
                case "exit" -> System.exit(0);
                default -> throw new IllegalArgumentException("unknown command " + command[0]);
            }
        }
    }

    private boolean slotIsHeld(int slot) {
        FileLock probe = locks.tryLockByte(slot);
        if (probe == null) {
            return true;
        }
        try {
            probe.release();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return false;
    }

    private void claim(boolean live) {
        int slot = -1;
        for (int s = 0; s < MailboxLayout.PRODUCER_SLOTS && slot < 0; s++) {
            long owner = (long) LONGS.getAcquire(map, MailboxLayout.producerSlotOffset(s) + MailboxLayout.PRODUCER_PID_OFFSET);
            if (owner == pid && slotIsHeld(s) == live) {
                slot = s;
            }
        }
        check(slot >= 0, "no " + (live ? "live" : "dead") + " slot of pid " + pid);
        int frame = MailboxLayout.frameLength(FAKE.length);
        long tail = (long) LONGS.getVolatile(map, MailboxLayout.TAIL_OFFSET);
        check((tail & (capacity - 1)) + frame <= capacity, "the fake claim would wrap: tail=" + tail);
        LONGS.setOpaque(map, MailboxLayout.claimStartOffset(slot, ENTRY), tail);
        LONGS.setRelease(map, MailboxLayout.claimEndOffset(slot, ENTRY), tail + frame);
        check(LONGS.compareAndSet(map, MailboxLayout.TAIL_OFFSET, tail, tail + frame), "someone else claimed meanwhile");
        claimed = tail;
        claimSlot = slot;
        say("CLAIMED slot=" + slot + " position=" + tail);
    }

    private void commit() {
        int base = MailboxLayout.recordOffset((int) (claimed & (capacity - 1)));
        map.put(base + MailboxLayout.RECORD_HEADER_LENGTH, FAKE);
        map.order(ByteOrder.LITTLE_ENDIAN).putInt(base + MailboxLayout.RECORD_LENGTH_OFFSET, FAKE.length);
        map.putInt(base + MailboxLayout.RECORD_TYPE_OFFSET,
                MailboxLayout.checkWord(MailboxLayout.TYPE_MESSAGE, claimed, FAKE.length));
        LONGS.setRelease(map, base + MailboxLayout.RECORD_TAG_OFFSET, MailboxLayout.tagOf(claimed));
        LONGS.setRelease(map, MailboxLayout.claimEndOffset(claimSlot, ENTRY), 0L);
        say("COMMITTED");
    }

    private void pollUntilMessage() {
        long start = System.nanoTime();
        byte[][] got = new byte[1][];
        ChildSupport.await(() -> (got[0] = mailbox.poll()) != null, "a message");
        say("RECEIVED " + new String(got[0], StandardCharsets.UTF_8) + " ms=" + (System.nanoTime() - start) / 1_000_000);
    }

    private void pollFor(long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() - deadline < 0) {
            byte[] message = mailbox.poll();
            if (message != null) {
                say("STOLEN " + new String(message, StandardCharsets.UTF_8));
                return;
            }
            LockSupport.parkNanos(50_000);
        }
        say("NOTHING");
    }
}
