package io.litecomm.bench.xproc;

import io.litecomm.Channel;
import io.litecomm.Comm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU cost of an idle process, from the process CPU time over the measuring window after a settling
 * time: {@code variant=none} (a JVM that only sleeps, the baseline), {@code active} (a thread blocked
 * in {@code receive()} on an empty channel), {@code passive} (an {@code onReceive} handler on an
 * empty channel, the domain's watcher polling), {@code blocking} (as {@code active}, with the wait strategy
 * given by {@code wait}).
 */
final class IdleBench {

    private IdleBench() {
    }

    static void run(Params p) throws Exception {
        String variant = p.get("variant");
        Comm comm = "none".equals(variant) ? null
                : Comm.open(p.dir().resolve("domain"), LitecommTransport.options(p.get("wait", null)));
        try {
            if ("active".equals(variant) || "blocking".equals(variant)) {
                Channel<byte[]> ch = comm.channel("idle", byte[].class);
                Thread t = new Thread(() -> {
                    try {
                        ch.receive();
                    } catch (RuntimeException e) {
                        // closed at the end
                    }
                }, "idle-receiver");
                t.setDaemon(true);
                t.start();
            } else if ("passive".equals(variant)) {
                comm.channel("idle", byte[].class).onReceive(m -> { });
            }
            Thread.sleep(p.warmNanos() / 1_000_000);
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            Thread.sleep(p.measureNanos() / 1_000_000);
            long cpu1 = processCpuNanos();
            long t1 = System.nanoTime();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("cpuPct", Math.round((cpu1 - cpu0) * 10000.0 / (t1 - t0)) / 100.0);
            Control.result(r);
        } finally {
            if (comm != null) {
                comm.close();
            }
        }
    }

    /**
     * CPU time of every thread of this process in nanoseconds: the sum of the first field of
     * {@code /proc/self/task/<tid>/schedstat}; else the coarser {@code ProcessHandle} figure.
     */
    static long processCpuNanos() {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            long sum = 0;
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("schedstat"), StandardCharsets.US_ASCII).trim();
                    sum += Long.parseLong(stat.split("\\s+")[0]);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO).toNanos();
        }
    }
}
