package io.litecomm.mapped.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.mapped.file.DomainDirectory;
import io.litecomm.spi.CorruptStorageException;
import io.litecomm.spi.SharedStore;
import java.util.Map;
import java.util.function.UnaryOperator;

/** The default {@link SharedStore}: the mapped page plus the broadcast ring, in one domain. */
public final class MappedSharedStore implements SharedStore {

    private final StoragePage page;
    private final DomainDirectory domain;
    private final int pubSubCapacity;
    private volatile PubSubRing ring;

    /**
     * Opens the store of a domain.
     *
     * @param domain the domain
     * @param mapper JSON mapper, default typing off
     * @param pubSubCapacity ring bytes if this call creates the pub/sub ring
     */
    public MappedSharedStore(DomainDirectory domain, ObjectMapper mapper, int pubSubCapacity) {
        this.domain = domain;
        this.pubSubCapacity = pubSubCapacity;
        this.page = StoragePages.open(domain, mapper);
    }

    private PubSubRing ring() {
        PubSubRing r = ring;
        if (r == null) {
            synchronized (this) {
                r = ring;
                if (r == null) {
                    r = PubSubRing.open(domain, pubSubCapacity);
                    ring = r;
                }
            }
        }
        return r;
    }

    @Override
    public String location() {
        return page.file().toString();
    }

    @Override
    public Object get(String key) {
        return page.get(key);
    }

    @Override
    public boolean contains(String key) {
        return page.contains(key);
    }

    @Override
    public Map<String, Object> getAll() {
        return page.getAll();
    }

    @Override
    public void set(String key, Object value) {
        page.set(key, value);
    }

    @Override
    public boolean delete(String key) {
        return page.delete(key);
    }

    @Override
    public Object update(String key, UnaryOperator<Object> fn) {
        return page.update(key, fn);
    }

    @Override
    public long version() {
        return page.version();
    }

    @Override
    public void publish(String topic, byte[] payload) {
        ring().publish(topic, payload);
    }

    @Override
    public int maxPublishLength() {
        return ring().maxPayload();
    }

    /**
     * {@inheritDoc}
     *
     * <p>A reader of a ring found damaged or truncated throws {@link CorruptStorageException} once,
     * from the poll that found it, then reads nothing: the watcher that polls it reports the
     * damage once instead of on every turn, while publishing keeps failing on every call.
     */
    @Override
    public TopicReader newReader() {
        PubSubRing.Reader reader = ring().newReader();
        boolean[] failed = new boolean[1];
        return (sink, limit) -> {
            if (failed[0]) {
                return 0;
            }
            try {
                return reader.poll(new PubSubRing.Sink() {
                    @Override
                    public void message(PubSubRing.Message message) {
                        sink.message(message.position(), message.topic(), message.payload());
                    }

                    @Override
                    public void missed(long count) {
                        sink.missed(count);
                    }
                }, limit);
            } catch (CorruptStorageException e) {
                failed[0] = true;
                throw e;
            }
        };
    }

    @Override
    public long publishedPosition() {
        return ring().newReader().position();
    }

    @Override
    public void close() {
        page.close();
        PubSubRing r = ring;
        if (r != null) {
            r.close();
        }
    }
}
