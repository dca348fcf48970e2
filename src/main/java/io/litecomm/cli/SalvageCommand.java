package io.litecomm.cli;

import static io.litecomm.mapped.inspect.MailboxLayout.CLOSED_BIT;
import static io.litecomm.mapped.inspect.MailboxLayout.HEADER_LENGTH;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.mapped.file.FileLocks;
import io.litecomm.mapped.inspect.MailboxDamage;
import io.litecomm.mapped.inspect.MailboxFile;
import io.litecomm.mapped.inspect.MailboxHeader;
import io.litecomm.mapped.inspect.MailboxLayout;
import io.litecomm.mapped.inspect.MailboxRecords;
import io.litecomm.spi.CorruptStorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code litecomm salvage}: copies every intact message of a damaged channel, in order, into a
 * fresh channel, skipping only the damaged bytes. The damaged file is mapped read-only and never
 * changed. The heuristic is {@code docs/FORMAT.md} 8.1: walk from the head; at a record that does
 * not prove itself ({@link MailboxRecords#at}), scan the following 16-byte boundaries for the next
 * one that does.
 */
final class SalvageCommand implements Command {

    @Override
    public String name() {
        return "salvage";
    }

    @Override
    public String summary() {
        return "copy the intact messages of a damaged channel into a new one";
    }

    @Override
    public String help() {
        return """
                Usage: litecomm salvage CHANNEL [--to NEW]

                Copies every intact message waiting in CHANNEL, in order, into the new channel NEW
                (default: CHANNEL.salvaged, created with the same type, capacity and maximum message
                size), skipping only damaged bytes: where a record is damaged, the next record is
                found by scanning the following 16-byte boundaries for a record whose tag and check
                word name its own position (docs/FORMAT.md 8.1). If the head or tail counters are
                damaged, the whole ring is scanned and everything from one capacity before the newest
                record is copied: messages received before the damage may then be copied again.

                CHANNEL's file is only read. Stop its users first (a send in progress is skipped as
                damage); afterwards 'litecomm rm CHANNEL' removes the damaged channel. Payloads carry
                no checksum in format 1.0: a message whose record header is intact but whose payload
                bytes were overwritten is copied as it is.

                Exit status: 0 copied (the damaged regions are listed); 1 no such channel, a header
                too damaged to read (magic, version, capacity, type), NEW already exists, or failure;
                2 usage error.
                """;
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of("--to");
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
    record Plan(MailboxHeader header, long from, long to, List<byte[]> messages, List<long[]> skipped, List<String> notes) {
    }

    @Override
    public int execute(Invocation invocation) throws IOException {
        Args args = invocation.args();
        String name = Domains.checkName(args.positional(0, "CHANNEL"));
        args.noMoreThan(1);
        String target = Domains.checkName(args.value("--to").orElse(name + ".salvaged"));
        if (target.equals(name)) {
            throw new UsageException("--to must name a new channel, not CHANNEL itself");
        }
        Path dir = invocation.existingDomain();
        Path file = Domains.channelFile(dir, name);
        Path targetFile = Domains.channelFile(dir, target);
        if (Files.exists(targetFile, LinkOption.NOFOLLOW_LINKS)) {
            throw new Failure("refused: the target channel exists: channel=" + target + " file=" + targetFile
                    + " (choose another --to, or remove it)");
        }
        Plan plan = plan(file, name);
        long bytes = copy(dir, target, plan);
        if (invocation.json()) {
            printJson(invocation, name, target, plan, bytes);
        } else {
            invocation.println("salvaged " + name + " into " + target + ": copied " + plan.messages().size()
                    + (plan.messages().size() == 1 ? " message (" : " messages (") + bytes + " bytes) from positions "
                    + plan.from() + ".." + plan.to());
            int capacity = plan.header().capacity();
            for (long[] region : plan.skipped()) {
                invocation.println("skipped " + (region[1] - region[0]) + " damaged bytes at positions " + region[0] + ".."
                        + region[1] + " (file offset " + MailboxDamage.fileOffset(region[0], capacity) + ")");
            }
            for (String note : plan.notes()) {
                invocation.println("note: " + note);
            }
            invocation.println("the damaged channel is unchanged: once its users are stopped, 'litecomm rm " + name
                    + "' removes it");
        }
        return LitecommCli.OK;
    }

    /** Maps the damaged file read-only and walks it. */
    static Plan plan(Path file, String name) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new Failure("no such channel: channel=" + name + " file=" + file);
        }
        if (!attributes.isRegularFile()) {
            throw new Failure("refused: not a regular file (or a symbolic link): file=" + file);
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = channel.size();
            ByteBuffer head = size == 0 ? ByteBuffer.allocate(0)
                    : channel.map(FileChannel.MapMode.READ_ONLY, 0, Math.min(size, HEADER_LENGTH));
            MailboxHeader header = MailboxFile.validateFixed(head, size, file);
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            Plan plan = walk(mapped, header);
            List<Long> live = liveProducers(channel, mapped);
            if (!live.isEmpty()) {
                plan.notes().add(live.size() + (live.size() == 1 ? " process holds" : " processes hold")
                        + " a producer slot (pids " + live + "): a send in progress would have been skipped as damage");
            }
            return plan;
        } catch (CorruptStorageException e) {
            throw new Failure("cannot salvage: the header is damaged: " + e.problem() + " file=" + file, e);
        }
    }

    /** Pids of the processes holding a producer slot's lock now (probed with a shared lock, as {@code check} does). */
    private static List<Long> liveProducers(FileChannel channel, ByteBuffer mapped) {
        ByteBuffer b = mapped.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        List<Long> pids = new ArrayList<>();
        for (int slot = 0; slot < MailboxLayout.PRODUCER_SLOTS; slot++) {
            long pid = b.getLong(MailboxLayout.producerSlotOffset(slot) + MailboxLayout.PRODUCER_PID_OFFSET);
            if (pid == 0) {
                continue;
            }
            try (FileLock probe = channel.tryLock(FileLocks.LOCK_REGION + slot, 1, true)) {
                if (probe == null) {
                    pids.add(pid);
                }
            } catch (OverlappingFileLockException | IOException e) {
                pids.add(pid);
            }
        }
        return pids;
    }

    static Plan walk(ByteBuffer mapped, MailboxHeader header) {
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

    /** Creates the target with the damaged channel's type and sizes and sends every message; returns the bytes copied. */
    private static long copy(Path dir, String target, Plan plan) {
        MailboxHeader header = plan.header();
        ChannelOptions options = ChannelOptions.builder().capacity(header.capacity()).maxMessageSize(header.maxMessage()).build();
        long bytes = 0;
        try (Comm comm = Comm.open(dir)) {
            Channel<byte[]> channel = comm.channel(target, new RawCodec(header.typeDescriptor()), options);
            int copied = 0;
            for (byte[] message : plan.messages()) {
                if (!channel.trySend(message)) {
                    throw new Failure("the target channel is full: channel=" + target + " copied=" + copied
                            + " of " + plan.messages().size());
                }
                copied++;
                bytes += message.length;
            }
        }
        return bytes;
    }

    private static void printJson(Invocation invocation, String name, String target, Plan plan, long bytes) {
        ObjectNode root = invocation.object();
        root.put("channel", name);
        root.put("target", target);
        root.put("copied", plan.messages().size());
        root.put("bytes", bytes);
        root.put("from", plan.from());
        root.put("to", plan.to());
        ArrayNode skipped = root.putArray("skipped");
        for (long[] region : plan.skipped()) {
            ObjectNode node = skipped.addObject();
            node.put("from", region[0]);
            node.put("to", region[1]);
            node.put("offset", MailboxDamage.fileOffset(region[0], plan.header().capacity()));
        }
        ArrayNode notes = root.putArray("notes");
        plan.notes().forEach(notes::add);
        invocation.printJson(root);
    }
}
