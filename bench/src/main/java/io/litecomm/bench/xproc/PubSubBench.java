package io.litecomm.bench.xproc;

import io.litecomm.Comm;
import io.litecomm.CommOptions;
import io.litecomm.SharedMemory;
import io.litecomm.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.Pipeline;

/**
 * Pub/sub ping-pong between two processes, driven from the subscribers' callbacks: litecomm
 * {@code SharedMemory.publish} / {@code onSubscriberReceive} (the domain's watcher thread, with
 * {@code maxPark} 1 µs, the closest to busy-spin the API offers) and Redis {@code PUBLISH} /
 * {@code SUBSCRIBE} through Jedis; plus Redis pub/sub throughput (pipelined publishes).
 */
final class PubSubBench {

    static final String END = "END";

    private PubSubBench() {
    }

    /** The ping side's state: sends the next ping from the reply callback until the time is up. */
    private static final class Pinger {
        private final Consumer<String> publish;
        private final Histogram rtt = new Histogram(60_000_000_000L, 3);
        private final CountDownLatch done = new CountDownLatch(1);
        private final long warmEnd;
        private final long end;
        private final long gap;
        private final byte[] msg = Msg.data();
        private volatile String failure;
        private volatile String sent;
        private long seq;
        private long t0;

        Pinger(Consumer<String> publish, Params p, long start) {
            this.publish = publish;
            this.warmEnd = start + p.warmNanos();
            this.end = warmEnd + p.measureNanos();
            this.gap = p.getLong("gapNs", 0);
        }

        void next() {
            seq++;
            Msg.seq(msg, seq);
            sent = new String(msg, 0, Msg.SIZE - 2, StandardCharsets.ISO_8859_1);
            t0 = System.nanoTime();
            publish.accept(sent);
        }

        void onReply(Object data) {
            long t1 = System.nanoTime();
            if (done.getCount() == 0) {
                return;
            }
            if (!sent.equals(data)) {
                failure = "echo_mismatch";
                publish.accept(END);
                done.countDown();
                return;
            }
            if (t1 >= warmEnd) {
                rtt.recordValue(Math.min(t1 - t0, 60_000_000_000L));
                if (t1 >= end) {
                    publish.accept(END);
                    done.countDown();
                    return;
                }
            }
            if (gap > 0) {
                PairRoles.pause(gap);
            }
            next();
        }

        Map<String, Object> await(long timeoutMs) throws InterruptedException {
            if (!done.await(timeoutMs, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("ping-pong did not finish; " + rtt.getTotalCount() + " samples");
            }
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
            return PairRoles.percentiles(rtt, 0.5);
        }
    }

    static void litecomm(Params p) throws Exception {
        CommOptions options = CommOptions.builder().maxPark(Duration.ofNanos(p.getLong("maxParkNs", 1_000))).build();
        try (Comm comm = LitecommTransport.open(p, options)) {
            SharedMemory memory = comm.sharedMemory();
            if (p.role() == Params.Role.PONGER) {
                CountDownLatch end = new CountDownLatch(1);
                Subscription s = memory.onSubscriberReceive("ping", data -> {
                    if (END.equals(data)) {
                        end.countDown();
                    } else {
                        memory.publish("pong", data);
                    }
                });
                try {
                    Control.ready("pid=" + ProcessHandle.current().pid());
                    end.await(p.getLong("deadlineMs", 60_000), TimeUnit.MILLISECONDS);
                } finally {
                    s.cancel();
                }
                return;
            }
            AtomicReference<Pinger> pinger = new AtomicReference<>();
            Subscription s = memory.onSubscriberReceive("pong", data -> pinger.get().onReply(data));
            try {
                Control.ready("pid=" + ProcessHandle.current().pid());
                Control.awaitGo();
                pinger.set(new Pinger(data -> memory.publish("ping", data), p, System.nanoTime()));
                pinger.get().next();
                Control.result(pinger.get().await(p.getLong("deadlineMs", 60_000)));
            } finally {
                s.cancel();
            }
        }
    }

    static Jedis jedis(Params p) {
        return jedis(Integer.parseInt(p.get("redisPort")));
    }

    /** A Jedis connection to the suite's private Redis on 127.0.0.1, RESP2, 10 s timeouts. */
    static Jedis jedis(int port) {
        return new Jedis(new HostAndPort("127.0.0.1", port),
                DefaultJedisClientConfig.builder().resp2().timeoutMillis(10_000).build());
    }

    static void redis(Params p) throws Exception {
        String prefix = p.get("prefix") + p.dir().getFileName() + ":";
        switch (p.role()) {
            case PONGER -> redisPonger(p, prefix);
            case PINGER -> redisPinger(p, prefix);
            case CONSUMER -> redisConsumer(p, prefix);
            case PRODUCER -> redisProducer(p, prefix);
            default -> throw new IllegalStateException(p.role().name());
        }
    }

    private static void redisPonger(Params p, String prefix) {
        try (Jedis sub = jedis(p); Jedis pub = jedis(p)) {
            sub.subscribe(new JedisPubSub() {
                @Override
                public void onSubscribe(String channel, int count) {
                    Control.ready("pid=" + ProcessHandle.current().pid());
                }

                @Override
                public void onMessage(String channel, String message) {
                    if (END.equals(message)) {
                        unsubscribe();
                    } else {
                        pub.publish(prefix + "pong", message);
                    }
                }
            }, prefix + "ping");
        }
    }

    private static void redisPinger(Params p, String prefix) throws Exception {
        try (Jedis sub = jedis(p); Jedis pub = jedis(p)) {
            CountDownLatch subscribed = new CountDownLatch(1);
            AtomicReference<Pinger> pinger = new AtomicReference<>();
            JedisPubSub listener = new JedisPubSub() {
                @Override
                public void onSubscribe(String channel, int count) {
                    subscribed.countDown();
                }

                @Override
                public void onMessage(String channel, String message) {
                    pinger.get().onReply(message);
                }
            };
            Thread t = new Thread(() -> sub.subscribe(listener, prefix + "pong"), "redis-sub");
            t.setDaemon(true);
            t.start();
            if (!subscribed.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no subscription");
            }
            Control.ready("pid=" + ProcessHandle.current().pid());
            Control.awaitGo();
            // the first ping goes out from this thread, the rest from the subscriber thread: one Jedis
            // connection must not be used by both at once (its replies would interleave)
            pinger.set(new Pinger(data -> {
                synchronized (pub) {
                    pub.publish(prefix + "ping", data);
                }
            }, p, System.nanoTime()));
            pinger.get().next();
            Control.result(pinger.get().await(p.getLong("deadlineMs", 60_000)));
            listener.unsubscribe();
            t.join(5_000);
        }
    }

    private static void redisConsumer(Params p, String prefix) {
        int producers = p.getInt("producers", 1);
        RateMeter meter = new RateMeter(p.warmNanos());
        try (Jedis sub = jedis(p)) {
            sub.subscribe(new JedisPubSub() {
                private int ends;

                @Override
                public void onSubscribe(String channel, int count) {
                    Control.ready("pid=" + ProcessHandle.current().pid());
                }

                @Override
                public void onMessage(String channel, String message) {
                    if (END.equals(message)) {
                        if (++ends == producers) {
                            meter.finish();
                            unsubscribe();
                        }
                    } else {
                        meter.onMessage();
                    }
                }
            }, prefix + "data");
        }
        Control.result(meter.result());
    }

    private static void redisProducer(Params p, String prefix) throws Exception {
        String msg = new String(Msg.data(), 0, Msg.SIZE, StandardCharsets.ISO_8859_1);
        try (Jedis pub = jedis(p)) {
            Control.ready("pid=" + ProcessHandle.current().pid());
            Control.awaitGo();
            long end = System.nanoTime() + p.warmNanos() + p.measureNanos();
            String channel = prefix + "data";
            do {
                Pipeline pl = pub.pipelined();
                for (int i = 0; i < 256; i++) {
                    pl.publish(channel, msg);
                }
                pl.sync();
            } while (System.nanoTime() < end);
            pub.publish(channel, END);
        }
    }
}
