package io.litecomm.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.litecomm.Comm;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code litecomm stat} on a domain without files ({@code redis://}): every interval, each
 * channel's type, depth, change of depth per second and closed flag, as the public API gives them.
 * Sends and receives are not counted by the API, so there are no in and out rates here.
 */
final class ApiStat {

    private final Invocation invocation;
    private final Comm comm;
    private final long interval;
    private Map<String, Integer> previous = Map.of();

    ApiStat(Invocation invocation, Comm comm, long intervalMillis) {
        this.invocation = invocation;
        this.comm = comm;
        this.interval = intervalMillis;
    }

    /**
     * Prints a refresh every interval.
     *
     * @param count refreshes to print; 0: until interrupted
     */
    void run(long count) {
        previous = depths(sample());
        for (long round = 0; count == 0 || round < count; round++) {
            StatCommand.sleep(interval);
            List<ApiChannels.Info> infos = sample();
            print(infos);
            previous = depths(infos);
        }
    }

    private List<ApiChannels.Info> sample() {
        return ApiChannels.describe(comm, null, List.of(), invocation.where());
    }

    private static Map<String, Integer> depths(List<ApiChannels.Info> infos) {
        Map<String, Integer> depths = new HashMap<>();
        infos.forEach(info -> depths.put(info.name(), info.messages()));
        return depths;
    }

    /** Change of depth per second since the previous refresh, or {@code null} for a channel new since then. */
    private Double change(ApiChannels.Info info) {
        Integer before = previous.get(info.name());
        return before == null ? null : (info.messages() - before) * 1000.0 / interval;
    }

    private void print(List<ApiChannels.Info> infos) {
        if (invocation.json()) {
            ObjectNode root = invocation.object();
            root.put("time", Instant.now().toString());
            root.put("intervalMillis", interval);
            root.put("domain", invocation.location());
            ArrayNode channels = root.putArray("channels");
            for (ApiChannels.Info info : infos) {
                ObjectNode node = channels.addObject();
                node.put("name", info.name());
                node.put("type", info.type());
                node.put("messages", info.messages());
                node.put("closed", info.closed());
                Double change = change(info);
                if (change != null) {
                    node.put("messagesChangePerSecond", change);
                }
            }
            invocation.printJson(root);
            return;
        }
        if (invocation.terminal()) {
            invocation.out().print("\033[H\033[2J");
        }
        invocation.println("litecomm stat  " + invocation.location() + "  " + Instant.now() + "  every " + interval + " ms");
        Table table = new Table("NAME", "TYPE", "MESSAGES", "CHANGE/S", "CLOSED");
        for (ApiChannels.Info info : infos) {
            Double change = change(info);
            table.add(info.name(), info.type() == null ? "-" : info.type(), info.messages(),
                    change == null ? "-" : String.format(Locale.ROOT, "%+.1f", change), info.closed() ? "yes" : "no");
        }
        table.print(invocation);
        invocation.println("");
    }
}
