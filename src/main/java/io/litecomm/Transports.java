package io.litecomm;

import io.litecomm.spi.Transport;
import io.litecomm.spi.TransportContext;
import io.litecomm.spi.TransportProvider;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Finds the transport of a URI's scheme among the {@link TransportProvider}s that
 * {@link ServiceLoader} sees (the module graph's {@code provides}, or {@code META-INF/services}
 * on the class path), and opens it. The only place the face reaches a transport.
 */
final class Transports {

    /** Where a scheme's artifact comes from, for the error when it is missing. */
    private static final Map<String, String> KNOWN_ELSEWHERE = Map.of(
            "redis", "the Redis transport: add redis.clients:jedis (8.0.x) to the class path",
            "rediss", "the Redis transport: add redis.clients:jedis (8.0.x) to the class path");

    private static volatile Map<String, TransportProvider> providers;
    /** Providers that failed to load, and why: named when a scheme is missing. */
    private static volatile java.util.List<String> broken = java.util.List.of();

    private Transports() {
    }

    static Transport open(URI uri, CommOptions options) {
        return open(uri, null, options);
    }

    /** Opens a domain; {@code path} is the local path the URI was made from, or {@code null}. */
    static Transport open(URI uri, java.nio.file.Path path, CommOptions options) {
        String scheme = uri.getScheme();
        if (scheme == null) {
            throw new IllegalArgumentException("a domain URI needs a scheme (file:, mem:, ...): uri=" + shown(uri));
        }
        TransportProvider provider = providers().get(scheme.toLowerCase(Locale.ROOT));
        if (provider == null) {
            String hint = KNOWN_ELSEWHERE.get(scheme.toLowerCase(Locale.ROOT));
            throw new IllegalArgumentException("no transport for scheme: scheme=" + scheme + " uri=" + shown(uri)
                    + " known=" + new TreeSet<>(providers().keySet()) + (hint == null ? "" : " hint=" + hint)
                    + (broken.isEmpty() ? "" : " unloadable=" + broken));
        }
        Map<String, String> settings = new LinkedHashMap<>(options.transportSettings());
        settings.putAll(query(uri));
        return provider.open(new TransportContext(uri, settings, options.objectMapper(), options.maxPark(), path));
    }

    /** The URI for a message: a password in its user information becomes {@code ***}. */
    static String shown(URI uri) {
        String info = uri.getRawUserInfo();
        int colon = info == null ? -1 : info.indexOf(':');
        if (colon < 0) {
            return uri.toString();
        }
        return uri.toString().replace(info + "@", info.substring(0, colon) + ":***@");
    }

    /** The query parameters of a URI, decoded; a parameter given twice is refused. */
    static Map<String, String> query(URI uri) {
        String raw = uri.isOpaque() ? opaqueQuery(uri) : uri.getRawQuery();
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (out.put(key, value) != null) {
                throw new IllegalArgumentException("setting given twice: setting=" + key + " uri=" + shown(uri));
            }
        }
        return out;
    }

    private static String opaqueQuery(URI uri) {
        String ssp = uri.getRawSchemeSpecificPart();
        int q = ssp.indexOf('?');
        return q < 0 ? null : ssp.substring(q + 1);
    }

    private static Map<String, TransportProvider> providers() {
        Map<String, TransportProvider> found = providers;
        if (found == null) {
            synchronized (Transports.class) {
                found = providers;
                if (found == null) {
                    found = load();
                    providers = found;
                }
            }
        }
        return found;
    }

    private static Map<String, TransportProvider> load() {
        Map<String, TransportProvider> found = new HashMap<>();
        java.util.List<String> failures = new java.util.ArrayList<>();
        ServiceLoader<TransportProvider> loader = ServiceLoader.load(TransportProvider.class, Transports.class.getClassLoader());
        for (var iterator = loader.iterator(); iterator.hasNext();) {
            TransportProvider provider;
            try {
                provider = iterator.next();
            } catch (ServiceConfigurationError failure) {
                // a provider that cannot load (a missing optional dependency) serves no scheme
                failures.add(String.valueOf(failure.getMessage()));
                continue;
            }
            for (String scheme : provider.schemes()) {
                found.putIfAbsent(scheme.toLowerCase(Locale.ROOT), provider);
            }
        }
        broken = java.util.List.copyOf(failures);
        return Map.copyOf(found);
    }
}
