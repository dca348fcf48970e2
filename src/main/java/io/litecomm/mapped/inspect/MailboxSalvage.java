package io.litecomm.mapped.inspect;

import static io.litecomm.mapped.inspect.MailboxLayout.CLOSED_BIT;
import static io.litecomm.mapped.inspect.MailboxLayout.HEADER_LENGTH;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds every intact message of a damaged mailbox, in order, skipping only the damaged bytes
 * ({@code docs/FORMAT.md} 8.1): walk from the head; at a record that does not prove itself
 * ({@link MailboxRecords#at}), scan the following 16-byte boundaries for the next one that does.
 * If the counters are damaged, the whole ring is scanned for the newest record. The file is only
 * read, through this JVM's shared channel ({@link InspectedFile}).
 */
public final class MailboxSalvage {

    private MailboxSalvage() {
    }

    /**
     * What a walk of the damaged file found.
     *
     * @param header the file's header
     * @param from first position walked
     * @param to end of the walk
     * @param messages the intact payloads, in order
     * @param skipped damaged regions, {@code {from, to}} positions
     * @param notes what the user should know
     */
    public record Plan(MailboxHeader header, long from, long to, List<byte[]> messages, List<long[]> skipped,
            List<String> notes) {
    }

    /**
     * Opens a mailbox file and walks it.
     *
     * @param file the file
     * @return the plan
     * @throws java.nio.file.NoSuchFileException if there is no such file
     * @throws InspectedFile.RefusedException if it is a symbolic link or not a regular file
     * @throws IOException if it cannot be read
     * @throws CorruptFormatException if the fixed header fields are damaged
     */
    public static Plan plan(Path file) throws IOException {
        try (InspectedFile opened = InspectedFile.open(file)) {
            long size = opened.size();
            ByteBuffer head = size == 0 ? ByteBuffer.allocate(0) : opened.map(Math.min(size, HEADER_LENGTH));
            MailboxHeader header = MailboxFile.validateFixed(head, size, file);
            ByteBuffer mapped = opened.map(size);
            Plan plan = walk(mapped, header);
            List<Long> live = liveProducers(opened, mapped);
            if (!live.isEmpty()) {
                plan.notes().add(live.size() + (live.size() == 1 ? " process holds" : " processes hold")
                        + " a producer slot (pids " + live + "): a send in progress would have been skipped as damage");
            }
            return plan;
        }
    }

    /** Pids of the processes holding a producer slot's lock now. */
    private static List<Long> liveProducers(InspectedFile file, ByteBuffer mapped) {
        ByteBuffer b = mapped.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        List<Long> pids = new ArrayList<>();
        for (int slot = 0; slot < MailboxLayout.PRODUCER_SLOTS; slot++) {
            long pid = b.getLong(MailboxLayout.producerSlotOffset(slot) + MailboxLayout.PRODUCER_PID_OFFSET);
            if (pid != 0 && file.lockByteHeld(slot)) {
                pids.add(pid);
            }
        }
        return pids;
    }

    /**
     * Walks a mapped mailbox from its head to its tail, or over the whole ring if the counters
     * are damaged.
     *
     * @param mapped the whole file
     * @param header its header (fixed fields validated)
     * @return the plan
     */
    public static Plan walk(ByteBuffer mapped, MailboxHeader header) {
        ByteBuffer b = mapped.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int capacity = header.capacity();
        long from = b.getLong(MailboxLayout.HEAD_OFFSET);
        long to = b.getLong(MailboxLayout.TAIL_OFFSET) & ~CLOSED_BIT;
        List<String> notes = new ArrayList<>();
        String counters = MailboxDamage.counters(from, to, capacity);
        if (counters != null) {
            long newest = MailboxRecords.newestEnd(mapped, header);
            notes.add("the counters are damaged (" + counters + "): the whole ring was scanned");
            long head = from;
            to = Math.max(newest, 0);
            if (head < 0 || (head & (MailboxLayout.RECORD_ALIGNMENT - 1)) != 0 || head > to || to - head > capacity) {
                from = Math.max(0, to - capacity);
                notes.add("the head cannot be trusted: messages received before the damage may be copied again");
            }
        }
        List<byte[]> messages = new ArrayList<>();
        List<long[]> skipped = new ArrayList<>();
        long position = from;
        while (position < to) {
            MailboxRecords.Found found = MailboxRecords.at(mapped, position, header);
            if (found != null && found.next() <= to) {
                if (found.message()) {
                    messages.add(MailboxRecords.payload(mapped, found, capacity));
                }
                position = found.next();
                continue;
            }
            MailboxRecords.Found next = MailboxRecords.next(mapped, position, to, header);
            long resume = next == null ? to : next.position();
            skipped.add(new long[] {position, resume});
            position = resume;
        }
        return new Plan(header, from, to, messages, skipped, notes);
    }
}
