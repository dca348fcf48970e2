package io.litecomm.redis;

import io.litecomm.spi.TransportException;
import java.util.List;
import java.util.function.Function;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The connections of one process to the server: a pool for commands and scripts, plus dedicated
 * connections for blocking reads. Every failure becomes a {@link TransportException} naming the
 * server (never with credentials) and what was being done.
 */
final class RedisServer implements AutoCloseable {

    private final RedisAddress address;
    private final JedisClientConfig config;
    private final JedisPool pool;

    RedisServer(RedisAddress address, String clientName) {
        this.address = address;
        this.config = config(address, clientName, (int) address.timeout.toMillis());
        GenericObjectPoolConfig<Jedis> poolConfig = new GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(address.poolSize);
        poolConfig.setMaxIdle(address.poolSize);
        poolConfig.setMinIdle(0);
        poolConfig.setMaxWait(address.timeout);
        poolConfig.setJmxEnabled(false);
        poolConfig.setTestOnBorrow(false);
        this.pool = new OnDemandPool(poolConfig, new HostAndPort(address.host, address.port), config);
    }

    private static JedisClientConfig config(RedisAddress address, String clientName, int socketTimeoutMillis) {
        DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis((int) address.connectTimeout.toMillis())
                .socketTimeoutMillis(socketTimeoutMillis)
                .blockingSocketTimeoutMillis(socketTimeoutMillis)
                .clientName(clientName)
                .database(address.database)
                .ssl(address.tls)
                .protocol(redis.clients.jedis.RedisProtocol.RESP2)
                .autoNegotiateProtocol(false);
        if (address.user != null) {
            builder.user(address.user);
        }
        if (address.password != null) {
            builder.password(address.password);
        }
        return builder.build();
    }

    RedisAddress address() {
        return address;
    }

    /** {@code redis://host:port}, for messages. */
    String name() {
        return address.server();
    }

    /**
     * Runs {@code body} on a pooled connection.
     *
     * @param action what is being done, for the message of a failure (names the channel or key)
     * @param body the commands
     * @return what {@code body} returned
     * @throws TransportException naming the server and the action if the server fails or refuses
     */
    <T> T call(String action, Function<Jedis, T> body) {
        try (Jedis jedis = pool.getResource()) {
            return body.apply(jedis);
        } catch (JedisException e) {
            if (e instanceof JedisConnectionException) {
                dropIdle();
            }
            throw failure(action, e);
        }
    }

    /**
     * Closes the idle pooled connections. Called when a connection was lost: after a server restart
     * every idle connection is stale, and each would fail the first call that borrows it.
     */
    void dropIdle() {
        try {
            pool.clear();
        } catch (RuntimeException ignored) {
            // closing a dead connection may fail; it is gone either way
        }
    }

    /**
     * Runs a script on a pooled connection, loading it first if the server does not know it.
     *
     * @param action what is being done, for messages
     * @param script the script
     * @param keys its keys
     * @param args its arguments
     * @return its reply
     */
    Object eval(String action, RedisScript script, List<byte[]> keys, List<byte[]> args) {
        return call(action, jedis -> eval(jedis, script, keys, args));
    }

    /** Runs a script on the given connection, loading it first if the server does not know it. */
    static Object eval(Jedis jedis, RedisScript script, List<byte[]> keys, List<byte[]> args) {
        try {
            return jedis.evalsha(script.sha, keys, args);
        } catch (JedisNoScriptException missing) {
            jedis.scriptLoad(script.source);
            return jedis.evalsha(script.sha, keys, args);
        }
    }

    /**
     * A connection of its own, for a blocking read: its socket timeout is {@code blockMillis} plus
     * the command timeout, so that a read blocked on the server for up to {@code blockMillis} is not
     * taken for a dead server.
     *
     * @param clientName the name the server shows in {@code CLIENT LIST}
     * @param blockMillis the longest block the caller asks of the server; negative for a subscriber
     *     connection, which reads without a timeout (TCP keep-alive notices a vanished server)
     * @return an open connection, owned by the caller
     */
    Jedis dedicated(String clientName, int blockMillis) {
        try {
            int socketTimeout = blockMillis < 0 ? 0 : blockMillis + (int) address.timeout.toMillis();
            Jedis jedis = new Jedis(new HostAndPort(address.host, address.port),
                    config(address, clientName, socketTimeout));
            jedis.ping();
            return jedis;
        } catch (JedisException e) {
            throw failure("open a connection", e);
        }
    }

    /**
     * Whether a call failed on a connection that broke at once (stale after a server restart, reset),
     * rather than one that timed out: only such a failure is worth one more try, which then stays
     * within the caller's deadline plus one {@code timeout}.
     *
     * @param e the failure of a {@link #call} or {@link #eval}
     * @return {@code true} for a broken connection, {@code false} for a timeout or a refusal
     */
    static boolean brokeAtOnce(TransportException e) {
        if (!(e.getCause() instanceof JedisConnectionException)) {
            return false;
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof java.net.SocketTimeoutException) {
                return false;
            }
        }
        return true;
    }

    /** The transport's exception for a Jedis failure: names the server, the action and the problem. */
    TransportException failure(String action, JedisException e) {
        String problem;
        if (e instanceof JedisConnectionException) {
            problem = "unreachable or connection lost";
        } else if (e instanceof JedisDataException) {
            problem = "refused";
        } else {
            problem = "failed";
        }
        return new TransportException("redis server " + problem + ": server=" + name() + " action=" + action
                + " reply=" + describe(e), e);
    }

    private static String describe(Throwable e) {
        String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && !text.contains(cause.getMessage())) {
            text += " (" + cause.getMessage() + ")";
        }
        return text;
    }

    /** A script's or command's reply as text: bulk strings are UTF-8 bytes, numbers are shown as they are. */
    static String text(Object reply) {
        return reply instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                : String.valueOf(reply);
    }

    /** Closes a dedicated connection that may be broken already. */
    static void closeQuietly(Jedis jedis) {
        if (jedis != null) {
            try {
                jedis.close();
            } catch (RuntimeException ignored) {
                // the connection is gone already
            }
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    /**
     * A pool that opens connections only when a caller borrows one. The pool library opens a
     * replacement for each broken connection handed back, in the caller's thread: on a frozen or
     * vanished server that handshake added a whole {@code timeout} (or {@code connectTimeout}) to
     * the call that had just failed, beyond its deadline.
     */
    private static final class OnDemandPool extends JedisPool {
        OnDemandPool(GenericObjectPoolConfig<Jedis> config, HostAndPort server, JedisClientConfig clientConfig) {
            super(config, server, clientConfig);
        }

        @Override
        public void addObject() {
            // connections are opened by borrowObject, when needed
        }
    }
}
