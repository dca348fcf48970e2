package io.litecomm.bench.xproc;

import io.litecomm.Comm;
import io.litecomm.CommOptions;
import io.litecomm.SharedMemory;
import java.util.Map;
import org.HdrHistogram.Histogram;
import redis.clients.jedis.Jedis;

/**
 * Round-trip operations timed one by one in one process, against the same server: the raw floor
 * through one Jedis connection ({@code engine=raw}: {@code PING}, {@code GET}, {@code SET}) and
 * litecomm's {@code SharedMemory} on a {@code redis://} domain ({@code engine=litecomm}: {@code get}
 * of an unchanged key, {@code set}, {@code update} of a counter). 62-character string values, as in
 * {@link KvBench}. Reports p50, p99 and the mean of the per-operation times, in ns.
 */
final class RedisOps {

    private static final long HIGHEST = 60_000_000_000L;

    private RedisOps() {
    }

    static void run(Params p) throws Exception {
        String engine = p.get("engine");
        String op = p.get("op");
        String[] values = KvBench.values();
        if ("raw".equals(engine)) {
            String key = p.get("prefix") + p.dir().getFileName() + ":" + KvBench.KEY;
            try (Jedis jedis = PubSubBench.jedis(p)) {
                jedis.set(key, values[0]);
                KvBench.Op o = switch (op) {
                    case "ping" -> i -> jedis.ping().length();
                    case "get" -> i -> jedis.get(key) == null ? 0 : 1;
                    case "set" -> i -> {
                        jedis.set(key, values[i & 15]);
                        return i;
                    };
                    default -> throw new IllegalArgumentException("op " + op);
                };
                Control.result(time(p, o));
            }
            return;
        }
        if (!"litecomm".equals(engine)) {
            throw new IllegalArgumentException("engine " + engine);
        }
        try (Comm comm = LitecommTransport.open(p, CommOptions.builder().build())) {
            SharedMemory memory = comm.sharedMemory();
            memory.set(KvBench.KEY, values[0]);
            KvBench.Op o = switch (op) {
                case "get" -> i -> memory.get(KvBench.KEY) == null ? 0 : 1;
                case "set" -> i -> {
                    memory.set(KvBench.KEY, values[i & 15]);
                    return i;
                };
                case "update" -> i -> ((Number) memory.update("counter",
                        n -> n == null ? 1L : ((Number) n).longValue() + 1)).longValue();
                default -> throw new IllegalArgumentException("op " + op);
            };
            Control.result(time(p, o));
        }
    }

    /** Warm-up, then every operation timed until the measuring time is up. */
    static Map<String, Object> time(Params p, KvBench.Op op) throws Exception {
        Histogram h = new Histogram(HIGHEST, 3);
        long sink = 0;
        long start = System.nanoTime();
        long warmEnd = start + p.warmNanos();
        long end = warmEnd + p.measureNanos();
        int i = 0;
        while (true) {
            long t0 = System.nanoTime();
            sink += op.run(i++);
            long t1 = System.nanoTime();
            if (t0 >= warmEnd) {
                h.recordValue(Math.min(t1 - t0, HIGHEST));
                if (t1 >= end) {
                    break;
                }
            }
        }
        Map<String, Object> r = PairRoles.percentiles(h, 1.0);
        r.put("sink", sink & 1);
        r.put("ops", i);
        return r;
    }
}
