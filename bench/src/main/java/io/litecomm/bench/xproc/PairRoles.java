package io.litecomm.bench.xproc;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The measuring loops shared by every message transport: ping-pong (one-way latency = round trip /
 * 2) and producer/consumer throughput, over an {@link Endpoint}.
 */
final class PairRoles {

    /** Park period of the parked mode: Linux timer slack makes it about 50 µs. */
    static final long PARK_NANOS = 1_000;
    private static final long HIGHEST = 60_000_000_000L;

    private PairRoles() {
    }

    static void run(Params p, Transport transport) throws Exception {
        Params.Role role = p.role();
        try (Endpoint ep = transport.open(p, role)) {
            Control.ready("pid=" + ProcessHandle.current().pid());
            if (!role.first()) {
                Control.awaitGo();
            }
            switch (role) {
                case PINGER -> Control.result(ping(ep, p));
                case PONGER -> pong(ep, p.mode());
                case PRODUCER -> produce(ep, p);
                case CONSUMER -> Control.result(consume(ep, p));
                default -> throw new IllegalStateException(role.name());
            }
        }
    }

    static byte[] receive(Endpoint ep, Params.Mode mode) throws Exception {
        byte[] m;
        switch (mode) {
            case SPIN -> {
                while ((m = ep.poll()) == null) {
                    Thread.onSpinWait();
                }
            }
            case PARK -> {
                while ((m = ep.poll()) == null) {
                    LockSupport.parkNanos(PARK_NANOS);
                }
            }
            default -> m = ep.take();
        }
        return m;
    }

    /** Ping-pong for warm-up then measuring time; {@code gapNs} of idle between pings if set. */
    static Map<String, Object> ping(Endpoint ep, Params p) throws Exception {
        Params.Mode mode = p.mode();
        long gap = p.getLong("gapNs", 0);
        Histogram rtt = new Histogram(HIGHEST, 3);
        byte[] msg = Msg.data();
        long start = System.nanoTime();
        long warmEnd = start + p.warmNanos();
        long end = warmEnd + p.measureNanos();
        long maxSamples = p.getLong("maxSamples", Long.MAX_VALUE);
        long seq = 0;
        while (true) {
            seq++;
            Msg.seq(msg, seq);
            long t0 = System.nanoTime();
            ep.send(msg);
            byte[] reply = receive(ep, mode);
            long t1 = System.nanoTime();
            if (Msg.seq(reply) != seq || Msg.isEnd(reply)) {
                throw new IllegalStateException("echo mismatch: sent " + seq + " got " + Msg.seq(reply));
            }
            if (t1 >= warmEnd) {
                rtt.recordValue(Math.min(t1 - t0, HIGHEST));
                if (t1 >= end || rtt.getTotalCount() >= maxSamples) {
                    break;
                }
            }
            if (gap > 0) {
                pause(gap);
            }
        }
        ep.send(Msg.end());
        Map<String, Object> r = percentiles(rtt, 0.5);
        r.put("pings", seq);
        return r;
    }

    /** Waits {@code nanos} whatever unpark permits the thread holds (a litecomm watcher thread may hold one). */
    static void pause(long nanos) {
        long until = System.nanoTime() + nanos;
        long left;
        while ((left = until - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }

    /** One-way percentiles in nanoseconds from a histogram of round trips (scale 0.5) or one-way times. */
    static Map<String, Object> percentiles(Histogram h, double scale) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("p50", h.getValueAtPercentile(50) * scale);
        r.put("p99", h.getValueAtPercentile(99) * scale);
        r.put("p999", h.getValueAtPercentile(99.9) * scale);
        r.put("max", h.getMaxValue() * scale);
        r.put("mean", Math.round(h.getMean() * scale * 10) / 10.0);
        r.put("n", h.getTotalCount());
        return r;
    }

    static void pong(Endpoint ep, Params.Mode mode) throws Exception {
        while (true) {
            byte[] m = receive(ep, mode);
            if (Msg.isEnd(m)) {
                return;
            }
            ep.send(m);
        }
    }

    /** Sends the same data message for warm-up plus measuring time, then an end marker. */
    static void produce(Endpoint ep, Params p) throws Exception {
        byte[] msg = Msg.data();
        long end = System.nanoTime() + p.warmNanos() + p.measureNanos();
        do {
            for (int i = 0; i < 256; i++) {
                ep.send(msg);
            }
        } while (System.nanoTime() < end);
        ep.send(Msg.end());
    }

    /** Counts messages until every producer's end marker (see {@link RateMeter}). */
    static Map<String, Object> consume(Endpoint ep, Params p) throws Exception {
        Params.Mode mode = p.mode();
        int producers = p.getInt("producers", 1);
        RateMeter meter = new RateMeter(p.warmNanos());
        int ends = 0;
        while (ends < producers) {
            byte[] m = receive(ep, mode);
            if (Msg.isEnd(m)) {
                ends++;
            } else {
                meter.onMessage();
            }
        }
        meter.finish();
        return meter.result();
    }
}
