package io.litecomm.redis;

import io.litecomm.spi.TransportException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/**
 * This process's presence, as the server sees it: a connection of its own subscribed to
 * {@code litecomm:{DOMAIN}:alive:PROCESS}. Scripts count that channel's subscribers
 * ({@code PUBSUB NUMSUB}) before they hand a process's unacknowledged message to another: the
 * server drops the subscription when the connection dies with the process, so a paused process is
 * never taken for a dead one. If the connection is lost while the process lives, it subscribes
 * again; meanwhile another process may take over its unacknowledged messages, and this process's
 * acknowledgement then fails its owner check, so nothing is delivered twice.
 */
final class RedisLiveness implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RedisLiveness.class);
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final RedisServer server;
    private final String channel;
    private final String clientName;
    private final Thread thread;
    private final CountDownLatch firstSubscribed = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile Jedis connection;
    private volatile Subscriber subscriber;
    private volatile TransportException firstFailure;
    private final Thread pinger;
    /** How often the subscription is pinged. */
    private static final long PING_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Silence on the subscription after which its connection counts as lost (plus the command timeout). */
    private static final int SILENCE_MILLIS = 10_000;

    RedisLiveness(RedisServer server, String channel, String clientName) {
        this.server = server;
        this.channel = channel;
        this.clientName = clientName;
        this.thread = new Thread(this::run, clientName);
        thread.setDaemon(true);
        this.pinger = new Thread(this::pingLoop, clientName + "-ping");
        pinger.setDaemon(true);
    }

    /**
     * Pings the subscription every {@link #PING_NANOS}: the pong is traffic on its connection, whose reads
     * time out after {@link #SILENCE_MILLIS} plus the command timeout, so a server that vanished without a
     * reset (a cut network) is noticed within seconds and the subscription made again once it is back,
     * instead of after TCP keep-alive's hours, while the server meanwhile took this process for dead.
     */
    private void pingLoop() {
        while (!closed) {
            LockSupport.parkNanos(this, PING_NANOS);
            Subscriber current = subscriber;
            if (!closed && current != null && current.isSubscribed()) {
                try {
                    current.ping();
                } catch (RuntimeException e) {
                    // the subscription's own read reports the lost connection and subscribes again
                    LOG.debug("liveness ping failed: server={} problem={}", server.name(), e.toString());
                }
            }
        }
    }

    /** Starts the subscription and waits until the server confirms it. */
    void start() {
        thread.start();
        pinger.start();
        try {
            if (!firstSubscribed.await(server.address().connectTimeout.toMillis() + server.address().timeout.toMillis(),
                    TimeUnit.MILLISECONDS)) {
                close();
                TransportException failure = firstFailure;
                throw failure != null ? failure : new TransportException("redis server did not confirm a subscription: server="
                        + server.name() + " channel=" + channel);
            }
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new io.litecomm.spi.TransportInterruptedException("interrupted while subscribing: server=" + server.name());
        }
        TransportException failure = firstFailure;
        if (failure != null && firstSubscribed.getCount() != 0) {
            throw failure;
        }
    }

    private void run() {
        while (!closed) {
            Jedis jedis = null;
            try {
                jedis = server.dedicated(clientName, SILENCE_MILLIS);
                connection = jedis;
                if (closed) {
                    break;
                }
                Subscriber current = new Subscriber();
                subscriber = current;
                jedis.subscribe(current, channel);
            } catch (TransportException e) {
                if (firstSubscribed.getCount() != 0) {
                    firstFailure = e;
                    firstSubscribed.countDown();
                    closed = true;
                    break;
                }
                if (!closed) {
                    LOG.warn("liveness connection lost, subscribing again: server={} channel={}", server.name(), channel);
                }
            } catch (RuntimeException | LinkageError e) {
                if (firstSubscribed.getCount() != 0) {
                    firstFailure = new TransportException("cannot subscribe: server=" + server.name() + " channel="
                            + channel + " problem=" + e, e);
                    firstSubscribed.countDown();
                    closed = true;
                    break;
                }
                if (!closed) {
                    LOG.warn("liveness connection lost, subscribing again: server={} channel={} problem={}", server.name(),
                            channel, e.toString());
                }
            } finally {
                RedisServer.closeQuietly(jedis);
            }
            if (!closed) {
                // the server went away or dropped this process: its pooled connections are likely stale too
                server.dropIdle();
                LockSupport.parkNanos(RETRY_NANOS);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(pinger);
        Subscriber current = subscriber;
        if (current != null) {
            try {
                current.unsubscribe();
            } catch (RuntimeException ignored) {
                // not subscribed at the moment
            }
        }
        Jedis jedis = connection;
        if (jedis != null) {
            try {
                jedis.disconnect();
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
        for (Thread owned : new Thread[] {thread, pinger}) {
            if (Thread.currentThread() != owned && owned.isAlive()) {
                try {
                    owned.join(TimeUnit.SECONDS.toMillis(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private final class Subscriber extends JedisPubSub {
        @Override
        public void onSubscribe(String name, int subscribedChannels) {
            firstSubscribed.countDown();
        }
    }
}
