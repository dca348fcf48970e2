package io.litecomm.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.litecomm.Comm;
import io.litecomm.mapped.inspect.CorruptFormatException;
import io.litecomm.mapped.inspect.DomainFiles;
import io.litecomm.mapped.inspect.MailboxReader;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code litecomm ls}: the channels of a domain, read from their files without changing them (on a
 * {@code redis://} domain, through the public API).
 */
final class LsCommand implements Command {

    private static final String[] COLUMNS =
            {"NAME", "TYPE", "CAPACITY", "MAX-MSG", "MESSAGES", "USED", "CLOSED", "PRODUCERS", "CONSUMERS"};

    /**
     * What {@code ls} shows of one channel.
     *
     * @param name channel name
     * @param file its file
     * @param type type descriptor
     * @param capacity ring bytes
     * @param maxMessage largest message
     * @param messages messages waiting
     * @param usedBytes ring bytes in use (tail - head)
     * @param head head position
     * @param tail tail position
     * @param closed closed flag
     * @param producers pids of live producer processes
     * @param sleepers receivers asleep on doorbells
     * @param created creation time, epoch ms
     */
    record Info(String name, Path file, String type, int capacity, int maxMessage, int messages, long usedBytes,
                long head, long tail, boolean closed, List<Long> producers, int sleepers, long created) {

        static Info of(MailboxReader view) {
            long head = view.head();
            long tail = view.tail();
            return new Info(DomainFiles.channelName(view.file()), view.file(), view.header().typeDescriptor(), view.capacity(),
                    view.header().maxMessage(), view.size(), Math.max(0, tail - head), head, tail, view.closed(),
                    view.liveProducerPids(), view.sleepingReceivers(), view.created());
        }
    }

    @Override
    public String name() {
        return "ls";
    }

    @Override
    public String summary() {
        return "list the channels of the domain";
    }

    @Override
    public String help() {
        return """
                Usage: litecomm ls [CHANNEL...] [--dir DIR | --url URI] [--json]

                Lists the channels of the domain (all, or the ones named) with their type
                descriptor, ring capacity, largest message, messages waiting, ring bytes in use,
                closed flag and live producer processes. Files are mapped read-only: listing never
                changes a channel.

                PRODUCERS counts the processes that hold a producer slot of the channel now (they
                have sent on it and are still running). Receivers are not recorded in the file
                format, so CONSUMERS is always '-' (--json: "consumers": null); receivers asleep
                on a doorbell (the BLOCKING wait strategy) are counted in "sleepingReceivers".

                On a redis:// domain (--url) the channels are read through the public API, which
                gives the type, the messages waiting and the closed flag; the other columns show
                '-' (--json: null).

                Exit status: 0 ok; 1 if the domain or a named channel does not exist or a channel
                file is corrupt (the other channels are still listed); 2 usage error.
                """;
    }

    @Override
    public int execute(Invocation invocation) {
        if (!invocation.files()) {
            return executeOnApi(invocation);
        }
        Path dir = invocation.existingDomain();
        boolean named = !invocation.args().positionals().isEmpty();
        List<String> names = named ? invocation.args().positionals() : Domains.channelNames(dir);
        if (named) {
            names.forEach(Domains::checkName);
        }
        List<Info> infos = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (String name : names) {
            Path file = Domains.fileOf(dir, name);
            try (MailboxReader view = MailboxReader.open(file)) {
                infos.add(Info.of(view));
            } catch (NoSuchFileException e) {
                if (named) {
                    errors.add("no such channel: channel=" + name + " dir=" + dir);
                }
            } catch (CorruptFormatException e) {
                errors.add("corrupt file: " + e.location() + ": " + e.problem());
            } catch (IOException e) {
                errors.add(e.getMessage());
            }
        }
        if (invocation.json()) {
            printJson(invocation, dir, infos, errors);
        } else {
            printTable(invocation, infos);
        }
        errors.forEach(invocation::note);
        return errors.isEmpty() ? LitecommCli.OK : LitecommCli.FAILURE;
    }

    /** {@code ls} on a domain without files: what the public API shows. */
    private static int executeOnApi(Invocation invocation) {
        List<String> named = invocation.args().positionals();
        named.forEach(Domains::checkName);
        List<String> errors = new ArrayList<>();
        List<ApiChannels.Info> infos;
        try (Comm comm = invocation.open()) {
            infos = ApiChannels.describe(comm, named.isEmpty() ? null : named, errors, invocation.where());
        }
        if (invocation.json()) {
            ObjectNode root = invocation.object();
            root.put("domain", invocation.location());
            ArrayNode channels = root.putArray("channels");
            for (ApiChannels.Info info : infos) {
                ObjectNode node = channels.addObject();
                node.put("name", info.name());
                node.put("type", info.type());
                node.putNull("capacity");
                node.putNull("maxMessage");
                node.put("messages", info.messages());
                node.putNull("usedBytes");
                node.put("closed", info.closed());
                node.putNull("liveProducers");
                node.putNull("consumers");
            }
            ArrayNode errorNodes = root.putArray("errors");
            errors.forEach(errorNodes::add);
            invocation.printJson(root);
        } else {
            Table table = new Table(COLUMNS);
            for (ApiChannels.Info info : infos) {
                table.add(info.name(), info.type() == null ? "-" : info.type(), "-", "-", info.messages(), "-",
                        info.closed() ? "yes" : "no", "-", "-");
            }
            table.print(invocation);
        }
        errors.forEach(invocation::note);
        return errors.isEmpty() ? LitecommCli.OK : LitecommCli.FAILURE;
    }

    private static void printTable(Invocation invocation, List<Info> infos) {
        Table table = new Table(COLUMNS);
        for (Info info : infos) {
            table.add(info.name(), info.type(), Table.bytes(info.capacity()), Table.bytes(info.maxMessage()),
                    info.messages(), Table.bytes(info.usedBytes()), info.closed() ? "yes" : "no",
                    info.producers().size(), "-");
        }
        table.print(invocation);
    }

    private static void printJson(Invocation invocation, Path dir, List<Info> infos, List<String> errors) {
        ObjectNode root = invocation.object();
        root.put("domain", dir.toString());
        ArrayNode channels = root.putArray("channels");
        for (Info info : infos) {
            ObjectNode node = channels.addObject();
            node.put("name", info.name());
            node.put("file", info.file().toString());
            node.put("type", info.type());
            node.put("capacity", info.capacity());
            node.put("maxMessage", info.maxMessage());
            node.put("messages", info.messages());
            node.put("usedBytes", info.usedBytes());
            node.put("head", info.head());
            node.put("tail", info.tail());
            node.put("closed", info.closed());
            node.put("liveProducers", info.producers().size());
            ArrayNode pids = node.putArray("producerPids");
            info.producers().forEach(pids::add);
            node.putNull("consumers");
            node.put("sleepingReceivers", info.sleepers());
            node.put("created", Instant.ofEpochMilli(info.created()).toString());
        }
        ArrayNode errorNodes = root.putArray("errors");
        errors.forEach(errorNodes::add);
        invocation.printJson(root);
    }
}
