package io.litecomm.redis;

import io.litecomm.spi.Transport;
import io.litecomm.spi.TransportContext;
import io.litecomm.spi.TransportException;
import io.litecomm.spi.TransportProvider;
import java.util.Set;

/**
 * The {@code redis:} and {@code rediss:} schemes: a domain on a Redis server (7.0 or later, or
 * Valkey), shared by processes on any hosts that reach it. {@code redis://[user[:password]@]host[:port]/DOMAIN};
 * {@code rediss://} for TLS. Settings (URI query parameters or in code): {@code connectTimeout} and
 * {@code timeout} in milliseconds (2000 and 5000), {@code poolSize} (64), {@code database} (0),
 * {@code pubSubCapacity} (bytes of recent published messages kept, default 1 MiB). Needs
 * {@code redis.clients:jedis} 8.0.x on the class or module path; without it, opening fails with a
 * message that names the artifact. See docs/REDIS.md.
 */
public final class RedisTransportProvider implements TransportProvider {

    /** Creates the provider (found by {@link java.util.ServiceLoader}); it touches no Jedis class. */
    public RedisTransportProvider() {
        // opening does the work
    }

    @Override
    public Set<String> schemes() {
        return Set.of("redis", "rediss");
    }

    @Override
    public Transport open(TransportContext context) {
        try {
            Class.forName("redis.clients.jedis.Jedis", false, RedisTransportProvider.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new TransportException("the Redis transport needs Jedis: add redis.clients:jedis (8.0.x) to the class"
                    + " or module path" + modulePathHint() + ": uri=" + RedisAddress.redact(context.uri()));
        }
        try {
            return RedisTransport.open(context);
        } catch (NoClassDefFoundError e) {
            throw new TransportException("the Redis transport needs Jedis and its dependencies (commons-pool2):"
                    + " add redis.clients:jedis (8.0.x) to the class or module path" + modulePathHint() + ": uri="
                    + RedisAddress.redact(context.uri()) + " missing=" + e.getMessage(), e);
        }
    }

    /**
     * On the module path, litecomm only {@code requires static} Jedis, so the JVM resolves it only if
     * asked: says how.
     */
    private static String modulePathHint() {
        return RedisTransportProvider.class.getModule().isNamed()
                ? " and, on the module path, resolve it: --add-modules redis.clients.jedis,org.apache.commons.pool2"
                        + " (or requires both in the application's module)"
                : "";
    }
}
