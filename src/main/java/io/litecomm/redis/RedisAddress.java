package io.litecomm.redis;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A parsed {@code redis://[user[:password]@]host[:port]/DOMAIN} or {@code rediss://...} URI with its
 * settings. The password is kept for connecting and for a child's environment only: {@link #toString()},
 * {@link #server()} and {@link #uri()} never show it.
 */
final class RedisAddress {

    /** Setting: milliseconds a connection attempt may take. */
    static final String CONNECT_TIMEOUT = "connectTimeout";
    /** Setting: milliseconds a command may wait for its reply before the server counts as unreachable. */
    static final String TIMEOUT = "timeout";
    /** Setting: most pooled connections of one process. */
    static final String POOL_SIZE = "poolSize";
    /** Setting: database number ({@code SELECT}); 0 unless given. */
    static final String DATABASE = "database";

    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final String FORM = "form=redis://[user[:password]@]host[:port]/DOMAIN (rediss:// for TLS),"
            + " DOMAIN of [A-Za-z0-9._-]{1,100}";

    final boolean tls;
    final String host;
    final int port;
    final String user;
    final String password;
    final String domain;
    final Duration connectTimeout;
    final Duration timeout;
    final int poolSize;
    final int database;
    final int pubSubCapacity;

    private RedisAddress(URI given, Map<String, String> settings) {
        String scheme = given.getScheme() == null ? "" : given.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss")) {
            throw new IllegalArgumentException("not a redis: URI: uri=" + redact(given) + " " + FORM);
        }
        tls = scheme.equals("rediss");
        if (given.isOpaque() || given.getHost() == null) {
            throw new IllegalArgumentException("bad redis URI: no host: uri=" + redact(given) + " " + FORM);
        }
        host = given.getHost();
        port = given.getPort() < 0 ? 6379 : given.getPort();
        String info = given.getRawUserInfo();
        if (info == null || info.isEmpty()) {
            user = null;
            password = null;
        } else {
            int colon = info.indexOf(':');
            String rawUser = colon < 0 ? info : info.substring(0, colon);
            user = rawUser.isEmpty() ? null : decode(rawUser);
            password = colon < 0 ? null : decode(info.substring(colon + 1));
        }
        String path = given.getRawPath() == null ? "" : given.getRawPath();
        String name = path.startsWith("/") ? path.substring(1) : path;
        if (!DOMAIN.matcher(name).matches()) {
            throw new IllegalArgumentException("bad redis URI: domain name: uri=" + redact(given) + " domain=" + name
                    + " " + FORM);
        }
        if (given.getRawFragment() != null) {
            throw new IllegalArgumentException("bad redis URI: no fragment allowed: uri=" + redact(given) + " " + FORM);
        }
        domain = name;
        Map<String, String> left = new LinkedHashMap<>(settings);
        connectTimeout = Duration.ofMillis(intSetting(left, CONNECT_TIMEOUT, 2000, 1, 600_000, given));
        timeout = Duration.ofMillis(intSetting(left, TIMEOUT, 5000, 10, 600_000, given));
        poolSize = intSetting(left, POOL_SIZE, 64, 2, 10_000, given);
        database = intSetting(left, DATABASE, 0, 0, 1 << 20, given);
        pubSubCapacity = io.litecomm.spi.SharedStore.pubSubCapacity(left.remove(io.litecomm.spi.SharedStore.PUB_SUB_CAPACITY));
        if (!left.isEmpty()) {
            throw new IllegalArgumentException("unknown setting of the redis transport: setting="
                    + left.keySet().iterator().next() + " known=[" + CONNECT_TIMEOUT + ", " + TIMEOUT + ", " + POOL_SIZE
                    + ", " + DATABASE + ", " + io.litecomm.spi.SharedStore.PUB_SUB_CAPACITY + "] uri=" + redact(given));
        }
    }

    static RedisAddress parse(URI uri, Map<String, String> settings) {
        return new RedisAddress(uri, settings);
    }

    private static int intSetting(Map<String, String> settings, String key, int defaultValue, int min, int max,
            URI given) {
        String value = settings.remove(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("bad setting: setting=" + key + " value=" + value + " rule=an integer in ["
                + min + ", " + max + "] uri=" + redact(given));
    }

    private static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The URI with any password replaced by {@code ***}, for messages. */
    static String redact(URI uri) {
        String info = uri.getRawUserInfo();
        if (info == null || info.indexOf(':') < 0) {
            return uri.toString();
        }
        String shown = info.substring(0, info.indexOf(':')) + ":***";
        return uri.toString().replace(info + "@", shown + "@");
    }

    /** {@code redis://host:port} (or {@code rediss://}), never with credentials: names the server in messages. */
    String server() {
        return (tls ? "rediss" : "redis") + "://" + hostPort();
    }

    String hostPort() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** The domain's URI without credentials or settings: {@code redis://host:port/DOMAIN}. */
    URI uri() {
        return URI.create(server() + "/" + domain);
    }

    /** The URI a child process opens the same domain with: credentials and every setting that is not a default. */
    String childUri() {
        StringBuilder text = new StringBuilder(tls ? "rediss://" : "redis://");
        if (user != null || password != null) {
            if (user != null) {
                text.append(encode(user));
            }
            if (password != null) {
                text.append(':').append(encode(password));
            }
            text.append('@');
        }
        text.append(hostPort()).append('/').append(domain);
        java.util.StringJoiner query = new java.util.StringJoiner("&", "?", "").setEmptyValue("");
        if (database != 0) {
            query.add(DATABASE + "=" + database);
        }
        if (connectTimeout.toMillis() != 2000) {
            query.add(CONNECT_TIMEOUT + "=" + connectTimeout.toMillis());
        }
        if (timeout.toMillis() != 5000) {
            query.add(TIMEOUT + "=" + timeout.toMillis());
        }
        if (poolSize != 64) {
            query.add(POOL_SIZE + "=" + poolSize);
        }
        if (pubSubCapacity != io.litecomm.spi.SharedStore.DEFAULT_PUB_SUB_CAPACITY) {
            query.add(io.litecomm.spi.SharedStore.PUB_SUB_CAPACITY + "=" + pubSubCapacity);
        }
        return text.append(query).toString();
    }

    private static String encode(String part) {
        return java.net.URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return uri().toString();
    }
}
