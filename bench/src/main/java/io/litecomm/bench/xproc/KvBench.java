package io.litecomm.bench.xproc;

import io.litecomm.Comm;
import io.litecomm.SharedMemory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.openhft.chronicle.map.ChronicleMap;
import redis.clients.jedis.Jedis;

/**
 * Key-value cost per operation in one process, one engine and one operation per process (so no
 * call site sees two engines): litecomm {@code SharedMemory} get of an unchanged key, set, update;
 * Chronicle Map get and put (persisted to a file, {@code putReturnsNull}); Redis GET and SET through
 * Jedis. Values are 62-character strings; the figure is the median of batch means.
 */
final class KvBench {

    static final String KEY = "bench-key";
    private static final int VALUES = 16;

    private KvBench() {
    }

    /** One operation; returns something to keep the work alive. */
    @FunctionalInterface
    interface Op {
        long run(int i) throws Exception;
    }

    static String[] values() {
        String[] v = new String[VALUES];
        byte[] m = Msg.data();
        for (int i = 0; i < VALUES; i++) {
            Msg.seq(m, i);
            v[i] = new String(m, 0, Msg.SIZE - 2, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        return v;
    }

    static void run(Params p) throws Exception {
        String engine = p.get("engine");
        String op = p.get("op");
        switch (engine) {
            case "litecomm" -> litecomm(p, op);
            case "cmap" -> chronicleMap(p, op);
            case "redis" -> redis(p, op);
            default -> throw new IllegalArgumentException("engine " + engine);
        }
    }

    private static void litecomm(Params p, String op) throws Exception {
        String[] values = values();
        try (Comm comm = Comm.open(p.dir().resolve("domain"))) {
            SharedMemory memory = comm.sharedMemory();
            memory.set(KEY, values[0]);
            Op o = switch (op) {
                case "get" -> i -> memory.get(KEY) == null ? 0 : 1;
                case "set" -> i -> {
                    memory.set(KEY, values[i & (VALUES - 1)]);
                    return i;
                };
                case "update" -> i -> ((Number) memory.update("counter",
                        n -> n == null ? 1L : ((Number) n).longValue() + 1)).longValue();
                default -> throw new IllegalArgumentException("op " + op);
            };
            Control.result(measure(p, o, 1000));
        }
    }

    private static void chronicleMap(Params p, String op) throws Exception {
        String[] values = values();
        try (ChronicleMap<String, String> map = ChronicleMap.of(String.class, String.class).name("bench")
                .entries(1024).averageKey(KEY).averageValue(values[0]).putReturnsNull(true)
                .createPersistedTo(p.dir().resolve("cmap.dat").toFile())) {
            map.put(KEY, values[0]);
            Op o = switch (op) {
                case "get" -> i -> map.get(KEY) == null ? 0 : 1;
                case "put" -> i -> {
                    map.put(KEY, values[i & (VALUES - 1)]);
                    return i;
                };
                default -> throw new IllegalArgumentException("op " + op);
            };
            Control.result(measure(p, o, 1000));
        }
    }

    private static void redis(Params p, String op) throws Exception {
        String[] values = values();
        String key = p.get("prefix") + KEY;
        try (Jedis jedis = PubSubBench.jedis(p)) {
            jedis.set(key, values[0]);
            Op o = switch (op) {
                case "get" -> i -> jedis.get(key) == null ? 0 : 1;
                case "set" -> i -> {
                    jedis.set(key, values[i & (VALUES - 1)]);
                    return i;
                };
                default -> throw new IllegalArgumentException("op " + op);
            };
            Control.result(measure(p, o, 200));
            jedis.del(key);
        }
    }

    /** Warm-up, then batches until the measuring time is up: median and mean of batch means, ns per op. */
    static Map<String, Object> measure(Params p, Op op, int batch) throws Exception {
        long sink = 0;
        long start = System.nanoTime();
        long warmEnd = start + p.warmNanos();
        long end = warmEnd + p.measureNanos();
        List<Double> perOp = new ArrayList<>();
        int i = 0;
        while (true) {
            long t0 = System.nanoTime();
            for (int k = 0; k < batch; k++) {
                sink += op.run(i++);
            }
            long t1 = System.nanoTime();
            if (t0 >= warmEnd) {
                perOp.add((t1 - t0) / (double) batch);
                if (t1 >= end) {
                    break;
                }
            }
        }
        Collections.sort(perOp);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("nsPerOp", Math.round(perOp.get(perOp.size() / 2) * 10) / 10.0);
        r.put("mean", Math.round(perOp.stream().mapToDouble(Double::doubleValue).average().orElse(0) * 10) / 10.0);
        r.put("batches", perOp.size());
        r.put("sink", sink & 1);
        return r;
    }
}
