package io.litecomm.mem;

import io.litecomm.spi.Transport;
import io.litecomm.spi.TransportContext;
import io.litecomm.spi.TransportProvider;
import java.util.Set;

/**
 * The {@code mem:} scheme: a domain in this JVM's memory, for tests ({@code mem:NAME}, NAME of
 * {@code [A-Za-z0-9._-]+}). Every opener of one name in this JVM shares the domain, which lives while
 * one of them is open (see the {@linkplain io.litecomm.mem package}). One setting,
 * {@code pubSubCapacity} (bytes of recent published messages kept, a power of two from 4096 to
 * 2^30; default 1 MiB), as a URI query parameter ({@code mem:tests?pubSubCapacity=4096}) or in code;
 * any other setting is refused.
 */
public final class MemTransportProvider implements TransportProvider {

    /** The URI scheme. */
    public static final String SCHEME = "mem";

    /** Creates the provider (found by {@link java.util.ServiceLoader}). */
    public MemTransportProvider() {
        // domains are kept by MemDomains, shared by every provider instance of this class loader
    }

    @Override
    public Set<String> schemes() {
        return Set.of(SCHEME);
    }

    @Override
    public Transport open(TransportContext context) {
        return MemTransport.open(context);
    }
}
