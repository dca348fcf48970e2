package io.litecomm.spi;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link TransportProvider} opens a domain with.
 *
 * @param uri the domain's URI, as given by the user (its scheme selected the provider)
 * @param settings transport settings: the URI's query parameters, then settings the user gave in
 *     code for this transport; keys are the transport's own ({@code recoveryTimeout}, ...). A
 *     transport refuses a key it does not know, naming it.
 * @param objectMapper the mapper for JSON values of the shared store (strict, no default typing)
 * @param maxPark the longest a waiting caller may sleep between two looks when the transport waits
 *     by looking (a transport that is woken by its engine may ignore it)
 * @param path the local path the URI was made from when the caller gave a {@code Path}, else
 *     {@code null}; a transport that keeps a directory uses it as given (it may belong to a file
 *     system other than the default one)
 */
public record TransportContext(URI uri, Map<String, String> settings, ObjectMapper objectMapper, Duration maxPark,
        Path path) {

    /**
     * Checks and copies the components.
     *
     * @param uri the domain's URI
     * @param settings transport settings
     * @param objectMapper the JSON mapper
     * @param maxPark the longest park
     * @param path the local path, or {@code null}
     */
    public TransportContext {
        Objects.requireNonNull(uri, "uri");
        settings = Map.copyOf(settings);
        Objects.requireNonNull(objectMapper, "objectMapper");
        Objects.requireNonNull(maxPark, "maxPark");
    }

    /**
     * A context without a local path.
     *
     * @param uri the domain's URI
     * @param settings transport settings
     * @param objectMapper the JSON mapper
     * @param maxPark the longest park
     */
    public TransportContext(URI uri, Map<String, String> settings, ObjectMapper objectMapper, Duration maxPark) {
        this(uri, settings, objectMapper, maxPark, null);
    }

    /**
     * A setting, or a default.
     *
     * @param key the setting
     * @param defaultValue if absent
     * @return its value
     */
    public String setting(String key, String defaultValue) {
        return settings.getOrDefault(key, defaultValue);
    }
}
