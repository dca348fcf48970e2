package io.litecomm.spi;

import java.util.Set;

/**
 * Opens domains of the URI schemes it serves. Found with {@link java.util.ServiceLoader}:
 * {@code provides io.litecomm.spi.TransportProvider with ...} in a module, or a
 * {@code META-INF/services/io.litecomm.spi.TransportProvider} file on the class path. litecomm
 * ships {@code file:} (memory-mapped files, the default) and {@code mem:} (one JVM, for tests).
 *
 * <p>A provider must have a public no-argument constructor and be cheap to create: it is
 * instantiated on lookup. Opening does the work.
 */
public interface TransportProvider {

    /**
     * The URI schemes served, lower case, for example {@code file}.
     *
     * @return the schemes
     */
    Set<String> schemes();

    /**
     * Opens (creating if needed) a domain. Every process and thread that opens the same URI
     * reaches the same channels and shared store.
     *
     * @param context the URI, settings and JSON mapper
     * @return the open domain, owned by the caller
     * @throws IllegalArgumentException if the URI or a setting is malformed or unknown (the message
     *     names it)
     * @throws TransportException if the domain cannot be opened (refused, unreachable, I/O)
     */
    Transport open(TransportContext context);
}
