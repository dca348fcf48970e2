package io.litecomm.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.litecomm.Channel;
import io.litecomm.ChannelOptions;
import io.litecomm.Comm;
import io.litecomm.mapped.inspect.CorruptFormatException;
import io.litecomm.mapped.inspect.InspectedFile;
import io.litecomm.mapped.inspect.MailboxDamage;
import io.litecomm.mapped.inspect.MailboxHeader;
import io.litecomm.mapped.inspect.MailboxSalvage.Plan;
import io.litecomm.mapped.inspect.MailboxSalvage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code litecomm salvage}: copies every intact message of a damaged channel, in order, into a
 * fresh channel, skipping only the damaged bytes. The damaged file is mapped read-only and never
 * changed. The heuristic is {@code docs/FORMAT.md} 8.1: walk from the head; at a record that does
 * not prove itself ({@code MailboxRecords.at}), scan the following 16-byte boundaries for the next
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

                salvage reads a mapped file, so it needs a file: domain (on redis:// it says so).

                Exit status: 0 copied (the damaged regions are listed); 1 no such channel, a header
                too damaged to read (magic, version, capacity, type), NEW already exists, not a
                file: domain, or failure; 2 usage error.
                """;
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of("--to");
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
        invocation.requireFiles("salvage reads a damaged channel's mapped file");
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

    /** Walks the damaged file with the transport's record reader, translating the ways it can fail. */
    private static Plan plan(Path file, String name) throws IOException {
        try {
            return MailboxSalvage.plan(file);
        } catch (NoSuchFileException e) {
            throw new Failure("no such channel: channel=" + name + " file=" + file);
        } catch (InspectedFile.RefusedException e) {
            throw new Failure("refused: not a regular file (or a symbolic link): file=" + file);
        } catch (CorruptFormatException e) {
            throw new Failure("cannot salvage: the header is damaged: " + e.problem() + " file=" + file, e);
        }
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
