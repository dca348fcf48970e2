package io.litecomm.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.litecomm.Comm;
import io.litecomm.mapped.inspect.CorruptFormatException;
import io.litecomm.mapped.inspect.MailboxReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** {@code litecomm stat}: a small {@code top} for channels: depth and rates, refreshed every interval. */
final class StatCommand implements Command {

    @Override
    public String name() {
        return "stat";
    }

    @Override
    public String summary() {
        return "live depths and message/byte rates of every channel";
    }

    @Override
    public String help() {
        return """
                Usage: litecomm stat [--interval MS] [--count N] [--dir DIR | --url URI] [--json]

                Refreshes every --interval milliseconds (default 1000) a table of the domain's
                channels: messages waiting, ring use, messages and bytes per second in (sent)
                and out (received), live producer processes, closed flag. Stops after --count
                refreshes, or at Ctrl-C. Files are mapped read-only.

                Rates come from the head and tail positions and the records between them:
                messages in are counted record by record (estimated from the average record size
                if a whole ring was written between two refreshes), messages out are messages in
                minus the growth in depth; bytes are ring bytes, record headers included.

                With --json each refresh is one line: {"time", "intervalMillis", "channels": [...]}.

                On a redis:// domain (--url) the channels are read through the public API, which
                gives the type, the messages waiting and the closed flag but no counts of sends and
                receives: the table shows MESSAGES, the change of depth per second (CHANGE/S:
                --json "messagesChangePerSecond") and CLOSED.

                Exit status: 0 ok; 1 no such domain; 2 usage error.
                """;
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of("--interval", "--count");
    }

    @Override
    public int execute(Invocation invocation) {
        Args args = invocation.args();
        args.noMoreThan(0);
        long interval = args.number("--interval", 1000, 1);
        long count = args.number("--count", 0, 1);
        if (!invocation.files()) {
            try (Comm comm = invocation.open()) {
                new ApiStat(invocation, comm, interval).run(count);
            }
            return LitecommCli.OK;
        }
        Path dir = invocation.existingDomain();
        Map<String, Watched> watched = new LinkedHashMap<>();
        try {
            refresh(invocation, dir, watched);
            for (long round = 0; count == 0 || round < count; round++) {
                sleep(interval);
                Map<String, ChannelRates.Sample> previous = new HashMap<>();
                watched.forEach((name, each) -> previous.put(name, each.rates.last()));
                refresh(invocation, dir, watched);
                print(invocation, dir, interval, watched, previous);
            }
        } finally {
            watched.values().forEach(each -> each.view.close());
        }
        return LitecommCli.OK;
    }

    /** Waits one interval. */
    static void sleep(long intervalMillis) {
        long wakeAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(intervalMillis);
        while (System.nanoTime() - wakeAt < 0) {
            LockSupport.parkNanos(wakeAt - System.nanoTime());
        }
    }

    /** A channel being watched: its read-only view and its counters. */
    private record Watched(MailboxReader view, ChannelRates rates) {
    }

    /** Samples every channel, opening new ones and dropping deleted or replaced ones. */
    private static void refresh(Invocation invocation, Path dir, Map<String, Watched> watched) {
        Set<String> present = new HashSet<>(Domains.channelNames(dir));
        for (Iterator<Map.Entry<String, Watched>> it = watched.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Watched> entry = it.next();
            if (!present.contains(entry.getKey()) || entry.getValue().view.replaced()) {
                entry.getValue().view.close();
                it.remove();
            }
        }
        for (String name : present) {
            if (!watched.containsKey(name)) {
                try {
                    MailboxReader view = MailboxReader.open(Domains.fileOf(dir, name));
                    watched.put(name, new Watched(view, new ChannelRates(view)));
                } catch (IOException | CorruptFormatException e) {
                    continue; // deleted meanwhile, or corrupt: 'litecomm check' reports it
                }
            }
        }
        watched.values().forEach(each -> each.rates.sample(each.view));
    }

    private static void print(Invocation invocation, Path dir, long interval, Map<String, Watched> watched,
                              Map<String, ChannelRates.Sample> previous) {
        if (invocation.json()) {
            printJson(invocation, interval, watched, previous);
            return;
        }
        if (invocation.terminal()) {
            invocation.out().print("\033[H\033[2J");
        }
        invocation.println("litecomm stat  " + dir + "  " + Instant.now() + "  every " + interval + " ms");
        Table table = new Table("NAME", "MESSAGES", "USED", "MSG-IN/S", "MSG-OUT/S", "BYTES-IN/S", "BYTES-OUT/S",
                "PRODUCERS", "CLOSED");
        new TreeMap<>(watched).forEach((name, each) -> {
            ChannelRates.Sample now = each.rates.last();
            ChannelRates.Sample before = previous.get(name);
            ChannelRates.Rates rates = before == null ? null : ChannelRates.between(before, now);
            String used = String.format(Locale.ROOT, "%.1f%%", 100.0 * (now.tail() - now.head()) / each.view.capacity());
            table.add(name, now.messages(), used, rate(rates == null ? -1 : rates.messagesIn()),
                    rate(rates == null ? -1 : rates.messagesOut()),
                    rates == null ? "-" : Table.bytes(Math.round(rates.bytesIn())),
                    rates == null ? "-" : Table.bytes(Math.round(rates.bytesOut())), now.producers(),
                    now.closed() ? "yes" : "no");
        });
        table.print(invocation);
        invocation.println("");
    }

    private static String rate(double value) {
        return value < 0 ? "-" : String.format(Locale.ROOT, "%.1f", value);
    }

    private static void printJson(Invocation invocation, long interval, Map<String, Watched> watched,
                                  Map<String, ChannelRates.Sample> previous) {
        ObjectNode root = invocation.object();
        root.put("time", Instant.now().toString());
        root.put("intervalMillis", interval);
        ArrayNode channels = root.putArray("channels");
        new TreeMap<>(watched).forEach((name, each) -> {
            ChannelRates.Sample now = each.rates.last();
            ChannelRates.Sample before = previous.get(name);
            ObjectNode node = channels.addObject();
            node.put("name", name);
            node.put("messages", now.messages());
            node.put("usedBytes", now.tail() - now.head());
            node.put("capacity", each.view.capacity());
            node.put("closed", now.closed());
            node.put("liveProducers", now.producers());
            node.put("head", now.head());
            node.put("tail", now.tail());
            if (before != null) {
                ChannelRates.Rates rates = ChannelRates.between(before, now);
                node.put("messagesInPerSecond", rates.messagesIn());
                node.put("messagesOutPerSecond", rates.messagesOut());
                node.put("bytesInPerSecond", rates.bytesIn());
                node.put("bytesOutPerSecond", rates.bytesOut());
            }
        });
        invocation.printJson(root);
    }
}
