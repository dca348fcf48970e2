package io.litecomm.mapped;

import io.litecomm.spi.Transport;
import io.litecomm.spi.TransportContext;
import io.litecomm.spi.TransportProvider;
import java.util.Set;

/**
 * The {@code file:} scheme: a domain is a directory of memory-mapped files
 * ({@code file:///dev/shm/my-app}). Settings: {@code recoveryTimeout} (ISO-8601 duration or
 * milliseconds; default 2 s) and {@code pubSubCapacity} (bytes, a power of two from 4096 to 2^30;
 * default 1 MiB), as URI query parameters or in code.
 */
public final class MappedTransportProvider implements TransportProvider {

    /** Creates the provider (found by {@link java.util.ServiceLoader}). */
    public MappedTransportProvider() {
        // nothing to do until a domain is opened
    }

    @Override
    public Set<String> schemes() {
        return Set.of(MappedTransport.SCHEME);
    }

    @Override
    public Transport open(TransportContext context) {
        return MappedTransport.open(context);
    }
}
