package io.litecomm.bench.xproc;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts received messages; the rate runs from the end of the warm-up (timed from the first
 * message) to {@link #finish()}. Reads the clock once per 1024 messages.
 */
final class RateMeter {

    private final long warmNanos;
    private long count;
    private long first;
    private long t0;
    private long c0;
    private long t1;

    RateMeter(long warmNanos) {
        this.warmNanos = warmNanos;
    }

    void onMessage() {
        count++;
        if ((count & 1023) == 1) {
            long t = System.nanoTime();
            if (first == 0) {
                first = t;
            } else if (t0 == 0 && t - first >= warmNanos) {
                t0 = t;
                c0 = count;
            }
        }
    }

    void finish() {
        t1 = System.nanoTime();
    }

    Map<String, Object> result() {
        if (t0 == 0) {
            throw new IllegalStateException("stream ended before the warm-up did: " + count + " messages");
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("rate", Math.round((count - c0) / ((t1 - t0) / 1e9)));
        r.put("count", count);
        r.put("seconds", Math.round((t1 - t0) / 1e6) / 1e3);
        return r;
    }
}
