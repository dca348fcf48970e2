package io.litecomm.bench.xproc;

import io.litecomm.bench.xproc.Params.Role;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The Redis group ({@code --redis}): litecomm on a {@code redis://} domain against the raw Jedis
 * floor, on one server in one run. Every measurement runs once per round in fresh processes and a
 * fresh domain; rounds alternate the order (forward, then backward) so that a drift of the machine
 * weighs on both sides of a ratio alike. Each figure is the median over the rounds with its range;
 * each ratio is taken per round (litecomm and its floor of the same round) and reported as the median
 * with its range. Never best-of.
 *
 * <p>Keys: the raw floor writes under {@code xbench<pid>:}, litecomm domains are
 * {@code bench-<pid>-<n>}; both are deleted after each measurement and the run checks that none is
 * left.
 */
final class RedisGroup {

    /** Scenario names and their fields, in the order of a forward round. */
    static final String[][] ITEMS = {
        {"raw.ping", "p50", "p99", "mean"},
        {"lc.channel", "p50", "p99", "mean"},
        {"lc.poll", "p50", "p99", "mean"},
        {"raw.list", "p50", "p99", "mean"},
        {"raw.stream", "p50", "p99", "mean"},
        {"raw.get", "p50", "p99", "mean"},
        {"lc.get", "p50", "p99", "mean"},
        {"raw.set", "p50", "p99", "mean"},
        {"lc.set", "p50", "p99", "mean"},
        {"lc.update", "p50", "p99", "mean"},
        {"raw.pubsub", "p50", "p99", "mean"},
        {"lc.pubsub", "p50", "p99", "mean"},
        {"raw.idle", "p50", "p99", "mean"},
        {"lc.idle", "p50", "p99", "mean"},
        {"lc.tput1", "rate", "serverCpuPct", "machineCpus"},
        {"lc.tput2", "rate", "serverCpuPct", "machineCpus"},
        {"lc.tput4", "rate", "serverCpuPct", "machineCpus"},
    };
    /** Gap before each message of the idle wake-up measurements. */
    static final long IDLE_GAP_NANOS = 50_000_000L;
    /** Receiving threads of the throughput consumer, whatever the number of senders. */
    static final int RECEIVERS = 4;
    /** Scenarios whose server commands per message are counted ({@code INFO commandstats}). */
    private static final List<String> COUNTED = List.of("lc.channel", "lc.poll", "raw.stream", "raw.list", "lc.get",
            "lc.set", "lc.update", "raw.get", "raw.set");

    private final BenchMain s;
    private final int port;
    private final String rawPrefix;
    private final String domainPrefix;
    private final Map<String, List<Map<String, String>>> runs = new LinkedHashMap<>();
    private final Map<String, String> failures = new LinkedHashMap<>();
    private int domains;

    RedisGroup(BenchMain suite) {
        this.s = suite;
        if (suite.options.redisPort == null) {
            throw new IllegalArgumentException("the Redis group needs a server: --redis-port N (scripts/bench.sh --redis "
                    + "starts one)");
        }
        this.port = suite.options.redisPort;
        long pid = ProcessHandle.current().pid();
        this.rawPrefix = "xbench" + pid + ":";
        this.domainPrefix = "bench-" + pid + "-";
    }

    /** Rounds of a run: three in a full run, two in a quick one (fewer if the time budget runs out). */
    int rounds() {
        return s.options.quick ? 2 : 3;
    }

    private Map<String, String> timing(boolean idle) {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("warmMs", s.options.quick ? "300" : "800");
        t.put("measureMs", idle ? (s.options.quick ? "1500" : "2500") : (s.options.quick ? "800" : "1500"));
        return t;
    }

    private Map<String, String> base(boolean idle) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("redisPort", Integer.toString(port));
        p.put("prefix", rawPrefix);
        p.putAll(timing(idle));
        return p;
    }

    private String newDomain() {
        domains++;
        return "redis://127.0.0.1:" + port + "/" + domainPrefix + domains;
    }

    /** Runs one measurement once; the child processes' merged result. */
    private Map<String, String> measure(String name) throws Exception {
        Runner r = s.runner;
        boolean idle = name.endsWith(".idle");
        Map<String, String> p = base(idle);
        if (name.startsWith("lc.")) {
            p.put("url", newDomain());
        }
        switch (name) {
            case "raw.ping", "raw.get", "raw.set" -> {
                p.put("kind", "redis-op");
                p.put("engine", "raw");
                p.put("op", name.substring(4));
                return r.single("redis." + name, BenchMain.NO_FLAGS, p);
            }
            case "lc.get", "lc.set", "lc.update" -> {
                p.put("kind", "redis-op");
                p.put("engine", "litecomm");
                p.put("op", name.substring(3));
                return r.single("redis." + name, BenchMain.NO_FLAGS, p);
            }
            case "raw.list", "raw.stream" -> {
                p.put("kind", "pair");
                p.put("transport", "redis-raw");
                p.put("shape", name.substring(4));
                p.put("mode", "block");
            }
            case "lc.channel", "lc.poll" -> {
                p.put("kind", "pair");
                p.put("transport", "litecomm");
                p.put("mode", name.equals("lc.poll") ? "spin" : "block");
            }
            case "raw.pubsub" -> p.put("kind", "redis-pubsub");
            case "lc.pubsub" -> p.put("kind", "lc-pubsub");
            case "raw.idle", "lc.idle" -> {
                p.put("kind", "redis-idle");
                p.put("transport", name.startsWith("raw.") ? "redis-raw" : "litecomm");
                p.put("shape", "list");
                p.put("gapNs", Long.toString(IDLE_GAP_NANOS));
                return r.pair("redis." + name, BenchMain.NO_FLAGS, p, Role.CONSUMER, Role.PRODUCER, 1);
            }
            default -> {
                if (!name.startsWith("lc.tput")) {
                    throw new IllegalArgumentException("scenario " + name);
                }
                int senders = Integer.parseInt(name.substring("lc.tput".length()));
                p.put("kind", "redis-tput");
                p.put("producers", Integer.toString(senders));
                p.put("receivers", Integer.toString(RECEIVERS));
                return r.pair("redis." + name, BenchMain.NO_FLAGS, p, Role.CONSUMER, Role.PRODUCER, senders);
            }
        }
        return r.pair("redis." + name, BenchMain.NO_FLAGS, p, Role.PONGER, Role.PINGER, 1);
    }

    /** Runs every selected measurement once per round, then records medians and ranges. */
    void run() {
        List<String[]> selected = new ArrayList<>();
        for (String[] item : ITEMS) {
            if (s.selected("redis." + item[0])) {
                selected.add(item);
                runs.put(item[0], new ArrayList<>());
            }
        }
        int done = 0;
        try (Jedis jedis = PubSubBench.jedis(port)) {
            long longest = 0;
            for (int round = 1; round <= rounds(); round++) {
                if (round > 1 && !s.runner.timeLeft(longest + longest / 5)) {
                    s.results.info("rt.rounds.cut", "time budget: stopped after round " + (round - 1));
                    break;
                }
                long t0 = System.nanoTime();
                List<String[]> order = new ArrayList<>(selected);
                if (round % 2 == 0) {
                    Collections.reverse(order);
                }
                for (String[] item : order) {
                    s.progress("redis." + item[0] + " #" + round, once(jedis, item, round));
                }
                done = round;
                longest = Math.max(longest, System.nanoTime() - t0);
            }
            s.results.info("rt.strayKeys", Long.toString(stray(jedis)));
        }
        s.results.info("rt.rounds", Integer.toString(done));
        record(selected);
    }

    private String once(Jedis jedis, String[] item, int round) {
        String name = item[0];
        Map<String, Long> before = COUNTED.contains(name) ? commandStats(jedis) : null;
        try {
            Map<String, String> r = new LinkedHashMap<>(measure(name));
            for (int i = 1; i < item.length; i++) {
                if (r.get(item[i]) == null) {
                    throw new IllegalStateException("no " + item[i] + " in " + r);
                }
            }
            if (before != null) {
                r.put("commands", perMessage(before, commandStats(jedis), r));
            }
            r.put("round", Integer.toString(round));
            runs.get(name).add(r);
            StringBuilder line = new StringBuilder();
            for (int i = 1; i < item.length; i++) {
                line.append(item[i]).append('=').append(r.get(item[i])).append(' ');
            }
            return line + "(other processes: " + r.get("foreignCpus") + " CPU)";
        } catch (Exception e) {
            failures.put(name, String.valueOf(e.getMessage()));
            return "NOT MEASURED: " + e.getMessage();
        } finally {
            clean(jedis);
        }
    }

    /**
     * Server commands per message of a measurement (per operation for one process's operations), the
     * most frequent first ({@code evalsha=5.00,xadd=2.00}).
     */
    private static String perMessage(Map<String, Long> before, Map<String, Long> after, Map<String, String> r) {
        double messages = r.containsKey("ops") ? Long.parseLong(r.get("ops"))
                : 2.0 * Long.parseLong(r.getOrDefault("pings", "0"));
        if (messages <= 0) {
            return "-";
        }
        Map<Double, String> sorted = new TreeMap<>(Collections.reverseOrder());
        after.forEach((cmd, calls) -> {
            double per = (calls - before.getOrDefault(cmd, 0L)) / messages;
            if (per >= 0.05) {
                sorted.merge(per, cmd, (a, b) -> a + "+" + b);
            }
        });
        StringBuilder sb = new StringBuilder();
        sorted.forEach((per, cmd) -> sb.append(sb.length() == 0 ? "" : ",").append(cmd).append('=')
                .append(String.format(Locale.ROOT, "%.2f", per)));
        return sb.length() == 0 ? "-" : sb.toString();
    }

    /** {@code INFO commandstats}: command to calls. */
    static Map<String, Long> commandStats(Jedis jedis) {
        Map<String, Long> calls = new LinkedHashMap<>();
        for (String line : jedis.info("commandstats").split("\r?\n")) {
            if (!line.startsWith("cmdstat_")) {
                continue;
            }
            int colon = line.indexOf(':');
            String cmd = line.substring("cmdstat_".length(), colon);
            for (String f : line.substring(colon + 1).split(",")) {
                if (f.startsWith("calls=")) {
                    calls.put(cmd, Long.parseLong(f.substring(6)));
                }
            }
        }
        return calls;
    }

    /** Deletes every key of this run (raw prefix and litecomm domains); returns how many it deleted. */
    private long clean(Jedis jedis) {
        long n = 0;
        for (String pattern : List.of(rawPrefix + "*", "litecomm:{" + domainPrefix + "*")) {
            String cursor = ScanParams.SCAN_POINTER_START;
            ScanParams params = new ScanParams().match(pattern).count(1000);
            do {
                ScanResult<String> page = jedis.scan(cursor, params);
                if (!page.getResult().isEmpty()) {
                    n += jedis.unlink(page.getResult().toArray(new String[0]));
                }
                cursor = page.getCursor();
            } while (!"0".equals(cursor));
        }
        return n;
    }

    /** Keys of this run still on the server at the end (after a last clean-up: 0 unless something raced it). */
    private long stray(Jedis jedis) {
        clean(jedis);
        return clean(jedis);
    }

    private void record(List<String[]> selected) {
        Results results = s.results;
        for (String[] item : selected) {
            String name = item[0];
            List<Map<String, String>> ok = runs.get(name);
            StringBuilder all = new StringBuilder();
            for (Map<String, String> r : ok) {
                all.append(all.length() == 0 ? "" : "; ").append('#').append(r.get("round")).append(' ');
                for (int i = 1; i < item.length; i++) {
                    all.append(i > 1 ? " " : "").append(item[i]).append('=').append(r.get(item[i]));
                }
                if (r.containsKey("commands")) {
                    results.info("rt.commands." + name + "#" + r.get("round"), r.get("commands"));
                }
            }
            results.info("runs.rt." + name, ok.isEmpty() ? "none" : all.toString());
            if (ok.isEmpty()) {
                String why = failures.getOrDefault(name, "not run");
                for (int i = 1; i < item.length; i++) {
                    results.fail("rt." + name + "." + item[i], why);
                }
                continue;
            }
            if (failures.containsKey(name)) {
                results.info("rt.failed." + name, failures.get(name));
            }
            List<String> fields = new ArrayList<>(List.of(item).subList(1, item.length));
            fields.add("foreignCpus");
            for (String f : fields) {
                List<Double> values = new ArrayList<>();
                for (Map<String, String> r : ok) {
                    double v = Double.parseDouble(r.getOrDefault(f, "0"));
                    values.add(v);
                    results.put("rt." + name + "." + f + "#" + r.get("round"), v);
                }
                results.put("rt." + name + "." + f, median(values));
                results.put("rt." + name + "." + f + ".min", Collections.min(values));
                results.put("rt." + name + "." + f + ".max", Collections.max(values));
                results.put("rt." + name + ".n", values.size());
            }
        }
    }

    /** The median (mean of the middle two for an even count). */
    static double median(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        Collections.sort(v);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }
}
