package io.litecomm.redis;

import io.litecomm.spi.SharedStore;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Placeholder until the shared store lands: every call is refused. */
final class RedisSharedStore implements SharedStore {

    RedisSharedStore(RedisTransport transport) {
    }

    private static UnsupportedOperationException no() {
        return new UnsupportedOperationException("shared memory on redis: not yet");
    }

    @Override
    public String location() {
        throw no();
    }
    @Override
    public Object get(String key) {
        throw no();
    }
    @Override
    public boolean contains(String key) {
        throw no();
    }
    @Override
    public Map<String, Object> getAll() {
        throw no();
    }
    @Override
    public void set(String key, Object value) {
        throw no();
    }
    @Override
    public boolean delete(String key) {
        throw no();
    }
    @Override
    public Object update(String key, UnaryOperator<Object> fn) {
        throw no();
    }
    @Override
    public long version() {
        throw no();
    }
    @Override
    public void publish(String topic, byte[] payload) {
        throw no();
    }
    @Override
    public int maxPublishLength() {
        throw no();
    }
    @Override
    public TopicReader newReader() {
        throw no();
    }
    @Override
    public long publishedPosition() {
        throw no();
    }
    @Override
    public void close() {
        // nothing held
    }
}
