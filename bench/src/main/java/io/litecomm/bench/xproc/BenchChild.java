package io.litecomm.bench.xproc;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

/**
 * Entry point of every child JVM of the suite. Arguments are {@code key=value} words: {@code kind}
 * ({@code pair}, {@code lc-pubsub}, {@code redis-pubsub}, {@code kv}, {@code idle}, and
 * the Redis group's {@code redis-op}, {@code redis-idle}, {@code redis-tput}), {@code transport},
 * {@code role}, {@code mode}, {@code dir}, {@code warmMs}, {@code measureMs}, {@code deadlineMs} and
 * what the kind needs. Prints {@code READY} and {@code RESULT} lines for {@link BenchMain}.
 */
public final class BenchChild {

    private BenchChild() {
    }

    /**
     * Runs one side of one measurement, then exits.
     *
     * @param args {@code key=value} words
     */
    public static void main(String[] args) {
        Params p = Params.parse(args);
        Control.start(p.getLong("deadlineMs", 60_000));
        int status = 0;
        try {
            run(p);
        } catch (Throwable t) {
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            Control.line("child failed: " + trace);
            Control.result(Map.of("error", t.getClass().getSimpleName() + ":" + t.getMessage()));
            status = 2;
        }
        Control.line("CPU ms=" + Noise.selfCpuMs());
        Runtime.getRuntime().halt(status);
    }

    static void run(Params p) throws Exception {
        String kind = p.get("kind");
        switch (kind) {
            case "pair" -> PairRoles.run(p, transport(p.get("transport")));
            case "lc-pubsub" -> PubSubBench.litecomm(p);
            case "redis-pubsub" -> PubSubBench.redis(p);
            case "kv" -> KvBench.run(p);
            case "idle" -> IdleBench.run(p);
            case "redis-op" -> RedisOps.run(p);
            case "redis-idle" -> RedisFlow.idle(p);
            case "redis-tput" -> RedisFlow.throughput(p);
            default -> throw new IllegalArgumentException("kind " + kind);
        }
    }

    static Transport transport(String name) {
        return switch (name) {
            case "litecomm" -> new LitecommTransport();
            case "agrona" -> new AgronaTransport();
            case "chronicle-queue" -> new ChronicleQueueTransport();
            case "socket" -> new SocketTransport();
            case "filelock" -> new FileLockTransport();
            case "floor" -> new FloorTransport();
            case "redis-raw" -> new RedisRawTransport();
            default -> throw new IllegalArgumentException("transport " + name);
        };
    }
}
