package io.litecomm.bench.xproc;

import io.litecomm.Channel;
import io.litecomm.Comm;
import io.litecomm.CommOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import redis.clients.jedis.Jedis;

/**
 * The Redis group's one-directional measurements between processes.
 *
 * <p>{@code kind=redis-idle}: an idle receiver's wake-up. The producer waits {@code gapNs} (50 ms)
 * before each message and writes its {@link System#nanoTime()} into it; the consumer, blocked in the
 * transport's own receive ({@code BRPOP}, or litecomm's {@code receive()}), records arrival less send
 * time. Both processes run on one host, where {@code nanoTime} is the system's {@code CLOCK_MONOTONIC},
 * so the difference is the one-way time itself, not half a round trip.
 *
 * <p>{@code kind=redis-tput}: {@code producers} processes {@code send()} 64-byte messages on one
 * litecomm channel of a {@code redis://} domain for the measured time; one consumer process takes
 * them with {@code receivers} threads in {@code receive()} (the same number whatever the number of
 * senders, so that only the senders vary). The consumer reports the delivered rate, the Redis
 * server's CPU ({@code INFO cpu}) and the machine's busy CPUs ({@code /proc/stat}) over the window.
 */
final class RedisFlow {

    private static final long HIGHEST = 60_000_000_000L;
    /** Byte of the message that marks it sent during the warm-up. */
    private static final int WARM_FLAG = 17;

    private RedisFlow() {
    }

    static void idle(Params p) throws Exception {
        Params.Role role = p.role();
        try (Endpoint ep = BenchChild.transport(p.get("transport")).open(p, role)) {
            Control.ready("pid=" + ProcessHandle.current().pid());
            if (role == Params.Role.CONSUMER) {
                Control.result(idleReceive(ep));
            } else {
                Control.awaitGo();
                idleSend(ep, p);
            }
        }
    }

    private static void idleSend(Endpoint ep, Params p) throws Exception {
        long gap = p.getLong("gapNs", 50_000_000L);
        byte[] msg = Msg.data();
        long warmEnd = System.nanoTime() + p.warmNanos();
        long end = warmEnd + p.measureNanos();
        while (true) {
            PairRoles.pause(gap);
            long t0 = System.nanoTime();
            if (t0 >= end) {
                break;
            }
            msg[WARM_FLAG] = (byte) (t0 < warmEnd ? 'w' : 'x');
            Msg.seq(msg, t0);
            ep.send(msg);
        }
        ep.send(Msg.end());
    }

    private static Map<String, Object> idleReceive(Endpoint ep) throws Exception {
        Histogram oneWay = new Histogram(HIGHEST, 3);
        while (true) {
            byte[] m = ep.take();
            long t1 = System.nanoTime();
            if (Msg.isEnd(m)) {
                break;
            }
            if (m[WARM_FLAG] != 'w') {
                oneWay.recordValue(Math.max(0, Math.min(t1 - Msg.seq(m), HIGHEST)));
            }
        }
        if (oneWay.getTotalCount() == 0) {
            throw new IllegalStateException("no message after the warm-up");
        }
        return PairRoles.percentiles(oneWay, 1.0);
    }

    static void throughput(Params p) throws Exception {
        if (p.role() == Params.Role.PRODUCER) {
            try (Endpoint ep = new LitecommTransport().open(p, Params.Role.PRODUCER)) {
                Control.ready("pid=" + ProcessHandle.current().pid());
                Control.awaitGo();
                PairRoles.produce(ep, p);
            }
            return;
        }
        try (Comm comm = LitecommTransport.open(p, CommOptions.builder().build()); Jedis info = PubSubBench.jedis(p)) {
            Channel<byte[]> ch = comm.channel(Params.Role.CONSUMER.rx(), byte[].class);
            Control.result(consume(p, ch, info));
        }
    }

    private static Map<String, Object> consume(Params p, Channel<byte[]> ch, Jedis info) throws Exception {
        int producers = p.getInt("producers", 1);
        int receivers = p.getInt("receivers", 4);
        LongAdder count = new LongAdder();
        AtomicInteger ends = new AtomicInteger();
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        long[] endMark = new long[2];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < receivers; i++) {
            Thread t = new Thread(() -> {
                try {
                    while (done.getCount() > 0) {
                        Optional<byte[]> m = ch.receive(Duration.ofMillis(200));
                        if (m.isEmpty()) {
                            continue;
                        }
                        if (!Msg.isEnd(m.get())) {
                            count.increment();
                            first.countDown();
                        } else if (ends.incrementAndGet() == producers) {
                            synchronized (endMark) {
                                endMark[0] = System.nanoTime();
                                endMark[1] = count.sum();
                            }
                            done.countDown();
                        }
                    }
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                    done.countDown();
                }
            }, "bench-receiver-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        Control.ready("pid=" + ProcessHandle.current().pid());
        long limit = p.getLong("deadlineMs", 60_000);
        if (!first.await(limit, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("no message arrived");
        }
        Thread.sleep(p.warmNanos() / 1_000_000L);
        long c0 = count.sum();
        double server0 = serverCpuSeconds(info);
        double busy0 = Noise.machineBusyMs();
        long t0 = System.nanoTime();
        if (!done.await(limit, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the senders' end markers did not all arrive: " + ends.get() + " of " + producers);
        }
        double server1 = serverCpuSeconds(info);
        double busy1 = Noise.machineBusyMs();
        long wall = System.nanoTime() - t0;
        for (Thread t : threads) {
            t.join(1_000);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("receiver failed: " + failure.get(), failure.get());
        }
        long t1;
        long c1;
        synchronized (endMark) {
            t1 = endMark[0];
            c1 = endMark[1];
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("rate", Math.round((c1 - c0) / ((t1 - t0) / 1e9)));
        r.put("count", c1);
        r.put("seconds", Math.round((t1 - t0) / 1e6) / 1e3);
        r.put("serverCpuPct", String.format(Locale.ROOT, "%.1f", (server1 - server0) * 1e11 / wall));
        r.put("machineCpus", String.format(Locale.ROOT, "%.2f", (busy1 - busy0) * 1e6 / wall));
        return r;
    }

    /** The Redis server's {@code used_cpu_sys + used_cpu_user}, in seconds. */
    static double serverCpuSeconds(Jedis jedis) {
        double total = 0;
        for (String line : jedis.info("cpu").split("\r?\n")) {
            if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
                total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return total;
    }
}
