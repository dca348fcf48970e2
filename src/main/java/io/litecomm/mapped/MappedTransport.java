package io.litecomm.mapped;

import io.litecomm.mapped.file.DomainDirectory;
import io.litecomm.mapped.inspect.DomainFiles;
import io.litecomm.mapped.mailbox.Doorbells;
import io.litecomm.mapped.mailbox.MailboxTransport;
import io.litecomm.mapped.store.MappedSharedStore;
import io.litecomm.spi.MessageQueue;
import io.litecomm.spi.QueueSpec;
import io.litecomm.spi.SharedStore;
import io.litecomm.spi.Transport;
import io.litecomm.spi.TransportContext;
import io.litecomm.spi.WaitMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A domain of the mapped transport: the mailbox files of its channels, its doorbells and its
 * shared store, all in one directory. Owns what it opens and releases it on {@link #close()}.
 */
public final class MappedTransport implements Transport {

    /** The URI scheme. */
    public static final String SCHEME = "file";
    /** Setting: the recovery bound for claims of dead producers. */
    public static final String RECOVERY_TIMEOUT = "recoveryTimeout";
    /** Setting: bytes of the pub/sub ring, used when this process creates it. */
    public static final String PUB_SUB_CAPACITY = SharedStore.PUB_SUB_CAPACITY;

    private final URI uri;
    private final DomainDirectory domain;
    private final Doorbells doorbells;
    private final MailboxTransport mailboxes;
    private final TransportContext context;
    private final int pubSubCapacity;
    private final Object storeLock = new Object();
    private MappedSharedStore store;
    private volatile boolean closed;

    private MappedTransport(URI uri, DomainDirectory domain, TransportContext context, Duration recovery,
            int pubSubCapacity) {
        this.uri = uri;
        this.domain = domain;
        this.context = context;
        this.pubSubCapacity = pubSubCapacity;
        this.doorbells = new Doorbells(domain.path());
        this.mailboxes = new MailboxTransport(domain, recovery, doorbells, context.maxPark().toNanos());
    }

    /**
     * Opens (creating if needed, {@code 0700}) the domain a {@code file:} URI names.
     *
     * @param context the URI and settings
     * @return the domain
     * @throws IllegalArgumentException if the URI or a setting is malformed or unknown
     */
    static MappedTransport open(TransportContext context) {
        Path directory = context.path() != null ? context.path() : directoryOf(context.uri());
        Map<String, String> settings = new LinkedHashMap<>(context.settings());
        Duration recovery = recovery(settings.remove(RECOVERY_TIMEOUT));
        int capacity = SharedStore.pubSubCapacity(settings.remove(PUB_SUB_CAPACITY));
        if (!settings.isEmpty()) {
            throw new IllegalArgumentException("unknown setting of the file: transport: setting="
                    + settings.keySet().iterator().next() + " known=[" + RECOVERY_TIMEOUT + ", " + PUB_SUB_CAPACITY
                    + "] uri=" + context.uri());
        }
        DomainDirectory domain = DomainDirectory.open(directory);
        URI normal = withQuery(domain.path().toUri(), context.uri().getRawQuery());
        return new MappedTransport(normal, domain, context, recovery, capacity);
    }

    /** The directory of a {@code file:} URI: {@link DomainFiles#directoryOf(URI)}. */
    static Path directoryOf(URI uri) {
        return DomainFiles.directoryOf(uri);
    }

    private static URI withQuery(URI base, String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return base;
        }
        try {
            return new URI(base.toString() + "?" + rawQuery);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("bad query: query=" + rawQuery, e);
        }
    }

    private static Duration recovery(String value) {
        if (value == null) {
            return MailboxTransport.DEFAULT_RECOVERY;
        }
        Duration timeout;
        try {
            timeout = value.chars().allMatch(Character::isDigit) ? Duration.ofMillis(Long.parseLong(value))
                    : Duration.parse(value);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException("bad setting: setting=" + RECOVERY_TIMEOUT + " value=" + value
                    + " rule=an ISO-8601 duration (PT2S) or milliseconds", e);
        }
        if (timeout.toMillis() < 1 || timeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("bad setting: setting=" + RECOVERY_TIMEOUT + " value=" + value
                    + " rule=from 1 ms to 1 hour");
        }
        return timeout;
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public String location() {
        return domain.path().toString();
    }

    @Override
    public Optional<Path> directory() {
        return Optional.of(domain.path());
    }

    @Override
    public Map<String, String> childEnvironment() {
        return Map.of("LITECOMM_URL", uri.toString(), "LITECOMM_DOMAIN", domain.path().toString());
    }

    @Override
    public MessageQueue openOrCreate(String name, QueueSpec spec) {
        return mailboxes.openOrCreate(name, spec);
    }

    @Override
    public Optional<MessageQueue> openExisting(String name) {
        return mailboxes.openExisting(name);
    }

    @Override
    public List<String> list() {
        return mailboxes.list();
    }

    @Override
    public boolean delete(String name) {
        return mailboxes.delete(name);
    }

    @Override
    public SharedStore sharedStore() {
        synchronized (storeLock) {
            if (closed) {
                throw new IllegalStateException("domain closed: dir=" + domain.path());
            }
            if (store == null) {
                store = new MappedSharedStore(domain, context.objectMapper(), pubSubCapacity);
            }
            return store;
        }
    }

    @Override
    public void awaitAnyReadable(List<? extends MessageQueue> queues, long deadlineNanos, WaitMode mode) {
        mailboxes.waits().awaitAny(queues, deadlineNanos, mode);
    }

    @Override
    public void close() {
        closed = true;
        mailboxes.close();
        doorbells.close();
        synchronized (storeLock) {
            if (store != null) {
                store.close();
            }
        }
        domain.close(); // its file I/O threads end once the handles above are closed
    }

    @Override
    public String toString() {
        return "MappedTransport[" + domain.path() + "]";
    }
}
