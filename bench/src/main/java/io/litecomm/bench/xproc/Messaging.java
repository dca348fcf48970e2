package io.litecomm.bench.xproc;

import static io.litecomm.bench.xproc.BenchMain.AGRONA_FLAGS;
import static io.litecomm.bench.xproc.BenchMain.CHRONICLE_FLAGS;
import static io.litecomm.bench.xproc.BenchMain.GAP_NANOS;
import static io.litecomm.bench.xproc.BenchMain.NO_FLAGS;

import io.litecomm.bench.xproc.Params.Mode;
import io.litecomm.bench.xproc.Params.Role;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** The measurements of the suite, transport by transport, registered as {@link Scenario}s. */
final class Messaging {

    private static final Map<String, String> LATENCY = latencyFields();
    private final BenchMain s;
    private final List<Scenario> scenarios = new ArrayList<>();

    private static Map<String, String> latencyFields() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("p50", "p50");
        m.put("p99", "p99");
        return m;
    }

    Messaging(BenchMain suite) {
        this.s = suite;
    }

    private static Map<String, String> params(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Map<String, String> with(Map<String, String> base, String k, String v) {
        Map<String, String> m = new LinkedHashMap<>(base);
        m.put(k, v);
        return m;
    }

    /** Registers one measurement ({@code field -> results key}, the first field primary) if selected. */
    private void run(String name, Map<String, String> fields, Callable<Map<String, String>> body) {
        if (s.selected(name)) {
            scenarios.add(new Scenario(name, fields, body));
        }
    }

    /** The registered measurements, in the order of the suite. */
    List<Scenario> scenarios() {
        return scenarios;
    }

    private static Map<String, String> keys(String name, Map<String, String> fields) {
        Map<String, String> m = new LinkedHashMap<>();
        fields.forEach((field, suffix) -> m.put(field, suffix.isEmpty() ? name : name + "." + suffix));
        return m;
    }

    private void latency(String row, String metric, List<String> flags, Map<String, String> base, Mode mode, long gap) {
        String name = row + "." + metric;
        Map<String, String> p = new LinkedHashMap<>(base);
        p.putIfAbsent("kind", "pair");
        p.put("mode", mode.name().toLowerCase(Locale.ROOT));
        p.putAll(s.timing(gap > 0));
        if (gap > 0) {
            p.put("gapNs", Long.toString(gap));
        }
        s.results.info("flags." + row, String.join(" ", flags));
        run(name, keys(name, LATENCY), () -> s.runner.pair(name, flags, p, Role.PONGER, Role.PINGER, 1));
    }

    private void throughput(String row, String metric, List<String> flags, Map<String, String> base, Mode mode,
            int producers) {
        String name = row + "." + metric;
        Map<String, String> p = new LinkedHashMap<>(base);
        p.putIfAbsent("kind", "pair");
        p.put("mode", mode.name().toLowerCase(Locale.ROOT));
        p.put("producers", Integer.toString(producers));
        p.putAll(s.timing(false));
        run(name, Map.of("rate", name), () -> s.runner.pair(name, flags, p, Role.CONSUMER, Role.PRODUCER, producers));
    }

    /** The four messaging measurements of a transport: busy-spin, parked, after idle, throughput. */
    private void standard(String row, List<String> flags, Map<String, String> base, Mode parked, Mode consumer) {
        latency(row, "spin", flags, base, Mode.SPIN, 0);
        latency(row, "park", flags, base, parked, 0);
        latency(row, "idle1ms", flags, base, parked, GAP_NANOS);
        throughput(row, "tput1", flags, base, consumer, 1);
    }

    void litecomm() {
        Map<String, String> bytes = params("transport", "litecomm", "codec", "bytes");
        standard("lc-bytes", NO_FLAGS, bytes, Mode.BLOCK, Mode.SPIN);
        throughput("lc-bytes", "tput3", NO_FLAGS, bytes, Mode.SPIN, 3);
        latency("lc-json", "spin", NO_FLAGS, with(bytes, "codec", "json"), Mode.SPIN, 0);
        Map<String, String> blocking = with(bytes, "wait", "blocking");
        latency("lc-block", "park", NO_FLAGS, blocking, Mode.BLOCK, 0);
        latency("lc-block", "idle1ms", NO_FLAGS, blocking, Mode.BLOCK, GAP_NANOS);
    }

    /** The floor: a bare mapped slot per direction, busy-spin latency only. */
    void floor() {
        latency("floor", "spin", NO_FLAGS, params("transport", "floor"), Mode.SPIN, 0);
    }

    void agrona() {
        standard("agrona", AGRONA_FLAGS, params("transport", "agrona"), Mode.PARK, Mode.SPIN);
    }

    void chronicleQueue() {
        standard("cq", CHRONICLE_FLAGS, params("transport", "chronicle-queue"), Mode.PARK, Mode.SPIN);
    }

    void sockets() {
        standard("uds", NO_FLAGS, params("transport", "socket", "family", "unix"), Mode.BLOCK, Mode.BLOCK);
        standard("tcp", NO_FLAGS, params("transport", "socket", "family", "tcp"), Mode.BLOCK, Mode.BLOCK);
    }

    void fileLock() {
        standard("filelock", NO_FLAGS, params("transport", "filelock"), Mode.PARK, Mode.SPIN);
    }

    private List<String> python(String test, String mode, boolean gap) {
        Map<String, String> t = s.timing(gap);
        List<String> cmd = new ArrayList<>(List.of(s.options.python, s.options.pythonScript.toString(), "--test", test,
                "--mode", mode, "--warm-ms", t.get("warmMs"), "--measure-ms", t.get("measureMs")));
        if (gap) {
            cmd.addAll(List.of("--gap-ns", Long.toString(GAP_NANOS)));
        }
        return cmd;
    }

    void python() {
        long budget = Runner.STARTUP_BUDGET_MS + 6_000;
        run("python.spin", keys("python.spin", LATENCY),
                () -> s.runner.external("python.spin", python("latency", "spin", false), budget));
        run("python.park", keys("python.park", LATENCY),
                () -> s.runner.external("python.park", python("latency", "block", false), budget));
        run("python.idle1ms", keys("python.idle1ms", LATENCY),
                () -> s.runner.external("python.idle1ms", python("latency", "block", true), budget));
        run("python.tput1", Map.of("rate", "python.tput1"),
                () -> s.runner.external("python.tput1", python("throughput", "block", false), budget));
    }

    private Map<String, String> redisParams() {
        return params("redisPort", String.valueOf(s.options.redisPort), "prefix", "xbench" + ProcessHandle.current().pid() + ":");
    }

    void redis() {
        if (s.options.redisPort == null) {
            String why = "redis-server not available (no --redis-port)";
            for (String k : List.of("redis.park.p50", "redis.park.p99", "redis.idle1ms.p50", "redis.idle1ms.p99",
                    "redis.tput1", "kv.redis.get", "kv.redis.set")) {
                s.results.fail(k, why);
            }
            return;
        }
        Map<String, String> p = with(redisParams(), "kind", "redis-pubsub");
        latency("redis", "park", NO_FLAGS, p, Mode.BLOCK, 0);
        latency("redis", "idle1ms", NO_FLAGS, p, Mode.BLOCK, GAP_NANOS);
        throughput("redis", "tput1", NO_FLAGS, p, Mode.BLOCK, 1);
    }

    void pubSub() {
        Map<String, String> p = params("kind", "lc-pubsub", "maxParkNs", "1000");
        latency("lc-pubsub", "spin", NO_FLAGS, p, Mode.BLOCK, 0);
        latency("lc-pubsub", "idle1ms", NO_FLAGS, p, Mode.BLOCK, GAP_NANOS);
    }

    private void kv(String id, String engine, String op, List<String> flags, Map<String, String> extra) {
        String name = "kv." + id + "." + op;
        Map<String, String> p = new LinkedHashMap<>(extra);
        p.put("kind", "kv");
        p.put("engine", engine);
        p.put("op", op);
        p.putAll(s.timing(false));
        run(name, Map.of("nsPerOp", name), () -> s.runner.single(name, flags, p));
    }

    void keyValue() {
        kv("lc", "litecomm", "get", NO_FLAGS, params());
        kv("lc", "litecomm", "set", NO_FLAGS, params());
        kv("lc", "litecomm", "update", NO_FLAGS, params());
        kv("cmap", "cmap", "get", CHRONICLE_FLAGS, params());
        kv("cmap", "cmap", "put", CHRONICLE_FLAGS, params());
        if (s.options.redisPort != null) {
            kv("redis", "redis", "get", NO_FLAGS, redisParams());
            kv("redis", "redis", "set", NO_FLAGS, redisParams());
        }
    }

    void idle() {
        for (String variant : List.of("none", "active", "passive", "blocking")) {
            String name = "idle." + variant;
            Map<String, String> p = params("kind", "idle", "variant", variant,
                    "warmMs", s.options.quick ? "500" : "2000", "measureMs", s.options.quick ? "1500" : "4000");
            if ("blocking".equals(variant)) {
                p.put("wait", "blocking");
            }
            run(name, Map.of("cpuPct", name), () -> s.runner.single(name, NO_FLAGS, p));
        }
    }
}
