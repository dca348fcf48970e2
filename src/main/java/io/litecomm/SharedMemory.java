package io.litecomm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.litecomm.dispatch.WatchTask;
import io.litecomm.spi.MessageQueue;
import io.litecomm.spi.SharedStore;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A key-value store shared by every process of a domain, with pub/sub: LiteyukiBot's
 * {@code shared_memory}, "like Redis, but lighter".
 *
 * <pre>{@code
 * SharedMemory memory = Comm.current().sharedMemory();
 * memory.set("key", "value");
 * String value = memory.get("key", String.class);
 * memory.update("visits", n -> n == null ? 1 : ((Number) n).intValue() + 1);
 * memory.onSubscriberReceive("news", data -> log.info("news: {}", data));
 * memory.publish("news", Map.of("title", "hello"));
 * }</pre>
 *
 * <p>Values are stored as JSON: anything Jackson can write goes in, JSON-native values
 * ({@code Map}, {@code List}, {@code String}, numbers, {@code Boolean}) come out of {@link #get(String)},
 * and {@link #get(String, Class)} converts. A {@code get} after a {@code set} sees the new value
 * whichever processes made the two calls; a {@code get} on an unchanged store costs no parsing and
 * no system call. {@link #update} is an atomic read-modify-write across processes. Published
 * messages reach every subscriber of the topic in every process of the domain, this one included,
 * once each, in publish order; publishers never wait for subscribers, and a subscriber that falls a
 * whole ring behind loses the oldest messages, which is logged and counted in
 * {@link #missedMessages()}. Thread-safe and process-safe.
 */
public final class SharedMemory {

    private static final Logger LOG = LoggerFactory.getLogger(SharedMemory.class);
    private static final int BATCH = 64;

    private final Comm comm;
    private final SharedStore store;
    private final ObjectMapper mapper;
    private final CopyOnWriteArrayList<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private final AtomicLong missed = new AtomicLong();
    private final AtomicLong handlerErrors = new AtomicLong();
    private SharedStore.TopicReader reader;

    SharedMemory(Comm comm, SharedStore store, ObjectMapper mapper) {
        this.comm = comm;
        this.store = store;
        this.mapper = mapper;
    }

    /**
     * Sets a key.
     *
     * @param key a non-empty key
     * @param value anything Jackson can write; {@code null} stores JSON null
     * @throws IllegalArgumentException if the value cannot be serialised; nothing changes
     */
    public void set(String key, Object value) {
        checkKey(key);
        call(() -> {
            store.set(key, value);
            return null;
        });
    }

    /**
     * The value of a key as a JSON-native value that the caller owns.
     *
     * @param key the key
     * @return the value, or {@code null} if absent
     */
    public Object get(String key) {
        checkKey(key);
        return call(() -> store.get(key));
    }

    /**
     * The value of a key converted to a type.
     *
     * @param key the key
     * @param type the type
     * @param <T> the type
     * @return the value, or {@code null} if absent
     * @throws CommException if the value cannot be converted, naming the key and both types
     */
    public <T> T get(String key, Class<T> type) {
        Objects.requireNonNull(type, "type");
        return convert(key, get(key), type);
    }

    /**
     * The value of a key converted to the type of {@code defaultValue}, or {@code defaultValue} if
     * the key is absent or null.
     *
     * @param key the key
     * @param defaultValue the default, not {@code null}
     * @param <T> the type
     * @return the value or the default
     */
    @SuppressWarnings("unchecked")
    public <T> T get(String key, T defaultValue) {
        Objects.requireNonNull(defaultValue, "defaultValue");
        Object value = get(key);
        return value == null ? defaultValue : convert(key, value, (Class<T>) defaultValue.getClass());
    }

    private <T> T convert(String key, Object value, Class<T> type) {
        if (value == null || type.isInstance(value)) {
            return type.cast(value);
        }
        try {
            return mapper.convertValue(value, type);
        } catch (IllegalArgumentException e) {
            throw new CommException("wrong type: key=" + key + " requested=" + type.getName() + " actual="
                    + value.getClass().getName() + " store=" + store.location(), e);
        }
    }

    /**
     * Deletes a key.
     *
     * @param key the key
     * @return whether it existed
     */
    public boolean delete(String key) {
        checkKey(key);
        return call(() -> store.delete(key));
    }

    /**
     * A consistent snapshot of the whole store.
     *
     * @return key to JSON-native value; the caller owns it
     */
    public Map<String, Object> getAll() {
        return call(store::getAll);
    }

    /**
     * Atomically replaces a key's value with {@code fn(old)}: no other thread or process can change
     * the key in between. {@code fn} gets the JSON-native old value (or {@code null}); keep it short
     * and free of side effects. On a {@code file:} domain it runs once, while the store is locked for
     * every process; on a {@code redis://} domain the update is an optimistic compare-and-set, and
     * {@code fn} runs again on the newer value each time another process changed the key first. A
     * {@code null} result deletes the key; an exception from {@code fn} changes nothing.
     *
     * @param key the key
     * @param fn the new value from the old
     * @return the new value, JSON-native
     */
    public Object update(String key, UnaryOperator<Object> fn) {
        checkKey(key);
        Objects.requireNonNull(fn, "fn");
        return call(() -> store.update(key, fn));
    }

    /**
     * Version of the store: the number of changes committed since it was created, by any process.
     *
     * @return the version
     */
    public long version() {
        return call(store::version);
    }

    /**
     * Publishes a message to every subscriber of {@code topic} in every process of the domain.
     * Never waits for subscribers.
     *
     * @param topic a non-empty topic
     * @param data anything Jackson can write
     * @throws MessageTooLargeException if the encoded message exceeds the ring's limit
     */
    public void publish(String topic, Object data) {
        checkKey(topic);
        byte[] payload;
        try {
            payload = mapper.writeValueAsBytes(data);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialise message as JSON: topic=" + topic
                    + " cause=" + io.litecomm.codec.JsonSupport.describe(e), e);
        }
        int max = call(store::maxPublishLength);
        if (payload.length > max) {
            throw new MessageTooLargeException("pubsub:" + topic, payload.length, max);
        }
        call(() -> {
            store.publish(topic, payload);
            return null;
        });
        comm.wakeWatcher();
    }

    /**
     * Runs {@code handler} on the domain's watcher thread for every message published to
     * {@code topic} after this call returns, by any process.
     *
     * @param topic the topic
     * @param handler receives JSON-native messages
     * @return a subscription that removes the handler
     */
    public Subscription onSubscriberReceive(String topic, Consumer<Object> handler) {
        checkKey(topic);
        Objects.requireNonNull(handler, "handler");
        synchronized (this) {
            if (reader == null) {
                reader = call(store::newReader);
                boolean pushed = call(() -> store.notifyOnPublish(comm::wakeWatcher));
                comm.watch(new PubSubTask(pushed));
            }
        }
        Subscriber subscriber = new Subscriber(topic, handler, call(store::publishedPosition));
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    /**
     * Messages this process's subscribers lost because publishers lapped them.
     *
     * @return the count
     */
    public long missedMessages() {
        return missed.get();
    }

    /**
     * Pub/sub handlers that threw.
     *
     * @return the count
     */
    public long handlerErrors() {
        return handlerErrors.get();
    }

    private static void checkKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("key must not be empty");
        }
    }

    private <T> T call(Supplier<T> action) {
        comm.checkOpen();
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw Errors.translate(e);
        }
    }

    private record Subscriber(String topic, Consumer<Object> handler, long from) {
    }

    /** Reads the ring on the watcher thread and hands messages to this process's subscribers. */
    private final class PubSubTask implements WatchTask, SharedStore.TopicSink {

        /** Whether the store wakes the watcher when something is published: then the task need not be polled. */
        private final boolean pushed;

        PubSubTask(boolean pushed) {
            this.pushed = pushed;
        }

        @Override
        public List<MessageQueue> waitsOn() {
            return pushed ? List.of() : null;
        }

        @Override
        public int doWork() {
            return subscribers.isEmpty() ? 0 : reader.poll(this, BATCH);
        }

        @Override
        public boolean isDone() {
            return false;
        }

        @Override
        public String toString() {
            return "pubsub ring=" + store.location();
        }

        @Override
        public void message(long position, String topic, byte[] payload) {
            for (Subscriber subscriber : subscribers) {
                if (subscriber.topic().equals(topic) && position >= subscriber.from()) {
                    deliver(subscriber, payload);
                }
            }
        }

        /** Whatever the subscriber throws, {@code Error}s included, goes to the failure policy; the others go on. */
        private void deliver(Subscriber subscriber, byte[] payload) {
            try {
                subscriber.handler().accept(mapper.readValue(payload, Object.class));
            } catch (Throwable e) {
                handlerErrors.incrementAndGet();
                Failures.report(comm.options().failureHandler(), new FailureContext(FailureContext.Kind.SUBSCRIBER,
                        "pubsub:" + subscriber.topic(), subscriber.handler(), payload), e);
            }
        }

        @Override
        public void missed(long count) {
            missed.addAndGet(count);
            LOG.warn("pub/sub subscriber fell behind and missed messages: count={} totalMissed={} ring={}",
                    count, missed.get(), store.location());
        }
    }

    /** The domain is closing: its transport closes the store. */
    void close() {
        // the store belongs to the transport, which closes it
    }

    /** The JMX view. */
    SharedMemoryMXBean mxBean() {
        String directory = comm.location();
        return new SharedMemoryMXBean() {
            @Override
            public String getDirectory() {
                return directory;
            }

            @Override
            public long getVersion() {
                return store.version();
            }

            @Override
            public int getKeys() {
                return store.getAll().size();
            }

            @Override
            public long getMissedMessages() {
                return missed.get();
            }

            @Override
            public long getHandlerErrors() {
                return handlerErrors.get();
            }
        };
    }
}
