package io.litecomm.mem;

import io.litecomm.spi.MessageQueue;
import io.litecomm.spi.QueueSpec;
import io.litecomm.spi.SharedStore;
import io.litecomm.spi.Transport;
import io.litecomm.spi.TransportContext;
import io.litecomm.spi.WaitMode;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * One opener's view of a {@code mem:} domain. Closing it ends its waits and releases its reference
 * to the domain; the last close drops the domain's contents.
 */
final class MemTransport implements Transport {

    /** Setting: bytes of recent published messages kept, used when this open creates the domain. */
    static final String PUB_SUB_CAPACITY = SharedStore.PUB_SUB_CAPACITY;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final String FORM = "rule=mem:NAME with NAME of [A-Za-z0-9._-]+";

    private final URI uri;
    private final MemDomain domain;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MemTransport(URI uri, MemDomain domain) {
        this.uri = uri;
        this.domain = domain;
    }

    static MemTransport open(TransportContext context) {
        URI given = context.uri();
        String name = nameOf(given);
        Map<String, String> settings = new LinkedHashMap<>(context.settings());
        int pubSubCapacity = SharedStore.pubSubCapacity(settings.remove(PUB_SUB_CAPACITY));
        if (!settings.isEmpty()) {
            throw new IllegalArgumentException("unknown setting of the mem: transport: setting="
                    + settings.keySet().iterator().next() + " known=[" + PUB_SUB_CAPACITY + "] uri=" + given);
        }
        return new MemTransport(URI.create(MemTransportProvider.SCHEME + ":" + name),
                MemDomains.acquire(name, pubSubCapacity, context.objectMapper()));
    }

    /** The domain name of {@code mem:NAME} (query parameters allowed); any other form is refused. */
    static String nameOf(URI uri) {
        if (!MemTransportProvider.SCHEME.equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not a mem: URI: uri=" + uri);
        }
        if (!uri.isOpaque() || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("bad mem: URI: uri=" + uri + " " + FORM + " (no //, no path, no fragment)");
        }
        String part = uri.getRawSchemeSpecificPart();
        int query = part.indexOf('?');
        String name = query < 0 ? part : part.substring(0, query);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad mem: URI: uri=" + uri + " name=" + name + " " + FORM);
        }
        return name;
    }

    boolean isClosed() {
        return closed.get();
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("domain closed: uri=" + uri);
        }
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public String location() {
        return uri.toString();
    }

    /**
     * Refused: a {@code mem:} domain lives in this JVM only.
     *
     * @throws UnsupportedOperationException always, naming the URI
     */
    @Override
    public Map<String, String> childEnvironment() {
        throw new UnsupportedOperationException("a mem: domain cannot be joined by a child process: uri=" + uri
                + " reason=it lives in this JVM's memory only hint=use a file: domain (Comm.open(Path)) for ProcessManager");
    }

    @Override
    public MessageQueue openOrCreate(String name, QueueSpec spec) {
        checkOpen();
        checkSpec(name, spec);
        return new MemQueue(this, domain, domain.openOrCreate(name, spec));
    }

    /** The rules of the {@code file:} transport, so that a channel valid on one is valid on the other. */
    private void checkSpec(String name, QueueSpec spec) {
        int capacity = spec.capacity();
        if (capacity < 4096 || capacity > (1 << 30) || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two in [4096, 2^30]: capacity=" + capacity
                    + " queue=" + uri + "/" + name);
        }
        int largest = capacity / 2 - MemQueueState.FRAME_HEADER;
        if (spec.maxMessageLength() < 0 || spec.maxMessageLength() > largest) {
            throw new IllegalArgumentException("maximum message length must be in [0, " + largest + "] for capacity "
                    + capacity + ": max=" + spec.maxMessageLength() + " queue=" + uri + "/" + name);
        }
        if (spec.typeDescriptor() == null || spec.typeDescriptor().isEmpty()) {
            throw new IllegalArgumentException("type descriptor must not be empty: queue=" + uri + "/" + name);
        }
    }

    @Override
    public Optional<MessageQueue> openExisting(String name) {
        checkOpen();
        MemQueueState state = domain.existing(name);
        return state == null ? Optional.empty() : Optional.of(new MemQueue(this, domain, state));
    }

    @Override
    public List<String> list() {
        checkOpen();
        return domain.list();
    }

    @Override
    public boolean delete(String name) {
        checkOpen();
        return domain.delete(name);
    }

    @Override
    public SharedStore sharedStore() {
        checkOpen();
        return domain.store();
    }

    @Override
    public void awaitAnyReadable(List<? extends MessageQueue> queues, long deadlineNanos, WaitMode mode) {
        MemQueue[] mine = new MemQueue[queues.size()];
        for (int i = 0; i < mine.length; i++) {
            if (!(queues.get(i) instanceof MemQueue queue) || queue.transport() != this) {
                throw new IllegalArgumentException("not a queue of this transport: queue=" + queues.get(i) + " uri=" + uri);
            }
            mine[i] = queue;
        }
        domain.await(false, () -> {
            for (MemQueue queue : mine) {
                if (queue.readyToReadLocked()) {
                    return true;
                }
            }
            return false;
        }, this, deadlineNanos);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        domain.wakeAll();
        MemDomains.release(domain);
    }

    @Override
    public String toString() {
        return "MemTransport[" + uri + (closed.get() ? ", closed]" : "]");
    }
}
