package io.litecomm.mem;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@code mem:} domains of this JVM (of this class loader), by name, each counted by the open
 * transports that reference it. This is the one piece of process-wide state of the transport, and
 * it is what a {@code mem:} URI means: every opener of a name in this JVM shares one domain. A domain
 * is forgotten, and its contents dropped, when its last transport closes.
 */
final class MemDomains {

    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Map<String, MemDomain> DOMAINS = new HashMap<>();

    private MemDomains() {
    }

    /**
     * The domain of a name, created empty if nobody references it; counts one more reference.
     *
     * @param name the domain name
     * @param pubSubCapacity pub/sub bytes if this call creates the domain
     * @param objectMapper JSON of the store, if this call creates the domain
     */
    static MemDomain acquire(String name, int pubSubCapacity, com.fasterxml.jackson.databind.ObjectMapper objectMapper) {
        LOCK.lock();
        try {
            MemDomain domain = DOMAINS.computeIfAbsent(name, n -> new MemDomain(n, pubSubCapacity, objectMapper));
            domain.references++;
            return domain;
        } finally {
            LOCK.unlock();
        }
    }

    /** One reference fewer; the last one drops the domain's contents and forgets it. */
    static void release(MemDomain domain) {
        boolean last;
        LOCK.lock();
        try {
            last = --domain.references == 0;
            if (last) {
                DOMAINS.remove(domain.name(), domain);
            }
        } finally {
            LOCK.unlock();
        }
        if (last) {
            domain.drop();
        }
    }

    /** Whether a domain of this name is referenced now (for tests). */
    static boolean isLive(String name) {
        LOCK.lock();
        try {
            return DOMAINS.containsKey(name);
        } finally {
            LOCK.unlock();
        }
    }
}
